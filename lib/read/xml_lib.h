/* xml_lib.h - libxml2, loaded the first time an XML plan is read. Linking it would make
 * every planlint process load it and, through it, ICU and the C++ runtime: about a
 * millisecond of start-up and 1.5 MB of memory that JSON and text plans never use. */
#ifndef PL_XML_LIB_H
#define PL_XML_LIB_H

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

typedef struct pl_xml_lib {
    void (*InitParser)(void);
    xmlTextReaderPtr (*ReaderForMemory)(const char *buffer, int size, const char *url, const char *encoding,
                                        int options);
    void (*FreeTextReader)(xmlTextReaderPtr reader);
    int (*TextReaderRead)(xmlTextReaderPtr reader);
    int (*TextReaderNodeType)(xmlTextReaderPtr reader);
    int (*TextReaderIsEmptyElement)(xmlTextReaderPtr reader);
    const xmlChar *(*TextReaderConstLocalName)(xmlTextReaderPtr reader);
    const xmlChar *(*TextReaderConstNamespaceUri)(xmlTextReaderPtr reader);
    const xmlChar *(*TextReaderConstValue)(xmlTextReaderPtr reader);
    int (*TextReaderGetParserLineNumber)(xmlTextReaderPtr reader);
    int (*TextReaderGetParserColumnNumber)(xmlTextReaderPtr reader);
    void (*TextReaderSetStructuredErrorHandler)(xmlTextReaderPtr reader, xmlStructuredErrorFunc f, void *arg);
} pl_xml_lib;

/* libxml2's functions, loaded once (thread-safe); NULL when it cannot be loaded, with
 * the reason in *why. */
const pl_xml_lib *pl_xml_lib_get(const char **why);

#endif

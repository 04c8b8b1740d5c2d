/* xml_lib.c - libxml2 loaded with dlopen() when the first XML plan comes. */
#include "xml_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static pl_xml_lib pl_lib;
static const pl_xml_lib *pl_loaded;
static char pl_why[200];
static pthread_once_t pl_once = PTHREAD_ONCE_INIT;

/* Each function pl_xml_lib holds, by its name in libxml2. */
#define PL_XML_SYM(field, name) { name, offsetof(pl_xml_lib, field) }
static const struct {
    const char *name;
    size_t offset;
} pl_syms[] = {
    PL_XML_SYM(InitParser, "xmlInitParser"),
    PL_XML_SYM(ReaderForMemory, "xmlReaderForMemory"),
    PL_XML_SYM(FreeTextReader, "xmlFreeTextReader"),
    PL_XML_SYM(TextReaderRead, "xmlTextReaderRead"),
    PL_XML_SYM(TextReaderNodeType, "xmlTextReaderNodeType"),
    PL_XML_SYM(TextReaderIsEmptyElement, "xmlTextReaderIsEmptyElement"),
    PL_XML_SYM(TextReaderConstLocalName, "xmlTextReaderConstLocalName"),
    PL_XML_SYM(TextReaderConstNamespaceUri, "xmlTextReaderConstNamespaceUri"),
    PL_XML_SYM(TextReaderConstValue, "xmlTextReaderConstValue"),
    PL_XML_SYM(TextReaderGetParserLineNumber, "xmlTextReaderGetParserLineNumber"),
    PL_XML_SYM(TextReaderGetParserColumnNumber, "xmlTextReaderGetParserColumnNumber"),
    PL_XML_SYM(TextReaderSetStructuredErrorHandler, "xmlTextReaderSetStructuredErrorHandler"),
};

static void pl_load(void)
{
    static const char *const names[] = { "libxml2.so.2", "libxml2.so" };
    const char *err = NULL;
    void *h = NULL, *p;
    size_t i;

    for (i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++)
        if (!(h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL)) && !err)
            err = dlerror();
    if (!h) {
        snprintf(pl_why, sizeof(pl_why), "XML plans need libxml2, which could not be loaded (%s)",
                 err ? err : "not found");
        return;
    }
    for (i = 0; i < sizeof(pl_syms) / sizeof(pl_syms[0]); i++) {
        if (!(p = dlsym(h, pl_syms[i].name))) {
            snprintf(pl_why, sizeof(pl_why), "XML plans need libxml2, and the one loaded has no %s",
                     pl_syms[i].name);
            dlclose(h);
            return;
        }
        /* object pointer to function pointer, as POSIX allows */
        memcpy((char *)&pl_lib + pl_syms[i].offset, &p, sizeof(p));
    }
    pl_lib.InitParser();
    pl_loaded = &pl_lib;   /* the library stays loaded for the process */
}

const pl_xml_lib *pl_xml_lib_get(const char **why)
{
    pthread_once(&pl_once, pl_load);
    if (!pl_loaded && why)
        *why = pl_why;
    return pl_loaded;
}

/* xml_lib.c - libxml2 loaded with dlopen() when the first XML plan comes. */
#include "xml_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pl_xml_lib pl_lib;
static const pl_xml_lib *pl_loaded;
static char pl_why[200];
static pthread_once_t pl_once = PTHREAD_ONCE_INIT;

/* One symbol into *slot (a function pointer's storage); 0, or -1 with pl_why set. */
static int pl_sym(void *h, const char *name, void *slot)
{
    void *p = dlsym(h, name);

    if (!p) {
        snprintf(pl_why, sizeof(pl_why), "XML plans need libxml2, and the one loaded has no %s", name);
        return -1;
    }
    memcpy(slot, &p, sizeof(p));   /* object pointer to function pointer, as POSIX allows */
    return 0;
}

static void pl_load(void)
{
    static const char *const names[] = { "libxml2.so.2", "libxml2.so" };
    const char *err = NULL;
    void *h = NULL;
    size_t i;

    for (i = 0; !h && i < sizeof(names) / sizeof(names[0]); i++)
        if (!(h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL)) && !err)
            err = dlerror();
    if (!h) {
        snprintf(pl_why, sizeof(pl_why), "XML plans need libxml2, which could not be loaded (%s)",
                 err ? err : "not found");
        return;
    }
    if (pl_sym(h, "xmlInitParser", &pl_lib.InitParser) < 0 ||
        pl_sym(h, "xmlReaderForMemory", &pl_lib.ReaderForMemory) < 0 ||
        pl_sym(h, "xmlFreeTextReader", &pl_lib.FreeTextReader) < 0 ||
        pl_sym(h, "xmlTextReaderRead", &pl_lib.TextReaderRead) < 0 ||
        pl_sym(h, "xmlTextReaderNodeType", &pl_lib.TextReaderNodeType) < 0 ||
        pl_sym(h, "xmlTextReaderIsEmptyElement", &pl_lib.TextReaderIsEmptyElement) < 0 ||
        pl_sym(h, "xmlTextReaderConstLocalName", &pl_lib.TextReaderConstLocalName) < 0 ||
        pl_sym(h, "xmlTextReaderConstNamespaceUri", &pl_lib.TextReaderConstNamespaceUri) < 0 ||
        pl_sym(h, "xmlTextReaderConstValue", &pl_lib.TextReaderConstValue) < 0 ||
        pl_sym(h, "xmlTextReaderGetParserLineNumber", &pl_lib.TextReaderGetParserLineNumber) < 0 ||
        pl_sym(h, "xmlTextReaderGetParserColumnNumber", &pl_lib.TextReaderGetParserColumnNumber) < 0 ||
        pl_sym(h, "xmlTextReaderSetStructuredErrorHandler", &pl_lib.TextReaderSetStructuredErrorHandler) < 0) {
        dlclose(h);
        return;
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

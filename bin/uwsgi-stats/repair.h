/* uWSGI writes the vars of a running request into its stats document as
 * received: bytes that are not UTF-8 (a %FF in a URL, decoded into
 * PATH_INFO) and raw control bytes end up inside JSON strings, and a strict
 * parser then refuses the whole document. This pass makes such strings
 * valid before jansson reads them. */
#ifndef UWSGI_STATS_REPAIR_H
#define UWSGI_STATS_REPAIR_H

#include <stddef.h>
#include <stdint.h>

/* Inside JSON strings of buf[0..len), replace each byte of an invalid UTF-8
 * sequence and each control byte (NUL included) with '?', in place (the
 * length does not change, so nothing is allocated). Bytes outside strings
 * are left for the parser to judge. Returns the number of bytes replaced. */
size_t repair_json_strings(uint8_t *buf, size_t len);

#endif

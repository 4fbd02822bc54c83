/* Message passing over the protocol, as uWSGI 1.x had it: modifier1 31
 * carries a vars block (a dict), 32 an uwsgi array (a list of byte
 * strings), 33 a marshalled Python object. The app registers one handler
 * per modifier1 (uwsgi.register_message_handler, or for 33 uWSGI's
 * uwsgi.message_manager_marshal attribute); it is called with the decoded
 * payload and the request's modifier2, and what it returns goes back in
 * the same framing under the same modifier1 and modifier2. pymod_msg.c is
 * the Python side (handlers, send_message, recv_message), msg_codec.c the
 * framing both directions share, h_msg.c the handler table's entries. */
#ifndef UWSGI_SERVER_MSG_H
#define UWSGI_SERVER_MSG_H

#include <Python.h>
#include <stddef.h>
#include <stdint.h>

/* msg_serve's answer when the app registered no handler for the modifier. */
#define MSG_NO_HANDLER (-2)

/* Serve one message for another node; takes the GIL. Returns 0 with the
 * whole answer packet (header included) in *out (malloc'd, the caller
 * frees it) and *outlen; -1 with the reason in err when the payload is
 * malformed, the handler raised (its traceback is logged) or returned
 * something the framing cannot carry; MSG_NO_HANDLER. */
int msg_serve(uint8_t m1, uint8_t m2, const uint8_t *payload, size_t len, uint8_t **out,
	      size_t *outlen, char *err, size_t errcap);

/* The codec (GIL held). msg_decode turns a payload into the object its
 * modifier1 carries: a dict of bytes (31), a list of bytes (32), the
 * unmarshalled object (33), the bytes themselves (any other). NULL with a
 * ValueError naming the fault and its offset when the framing is broken. */
PyObject *msg_decode(uint8_t m1, const uint8_t *p, size_t len);

/* The pending exception's text into err after a prefix ("prefix: text");
 * clears it. */
void msg_exception_text(const char *prefix, char *err, size_t errcap);

/* Encode obj as a whole packet in a malloc'd buffer: 31 takes a dict, 32 a
 * list or tuple, of bytes or str (UTF-8); 33 any marshallable object;
 * other modifiers a dict (a vars block) or bytes/str (raw). None is an
 * empty payload (31, 32) or marshalled None (33). Returns 0, or -1 with a
 * TypeError (wrong type) or ValueError (over 65535 bytes). */
int msg_encode(uint8_t m1, uint8_t m2, PyObject *obj, uint8_t **pkt, size_t *len);

#endif

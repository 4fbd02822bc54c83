#include "capture.h"

#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "die.h"
#include "dump.h"
#include "frame.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/* SIGINT and SIGTERM end a live capture cleanly (the flows are closed and
 * reported, the statistics printed), as they do tcpdump's. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static pcap_t *open_live(const struct capture_opts *o)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(o->iface, err);
	if (!p)
		die(EXIT_DUMP_CAPTURE, "%s: %s", o->iface, err);
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, 100);
	int rc = pcap_activate(p);
	if (rc < 0) {
		const char *why = rc == PCAP_ERROR_PERM_DENIED
			? "permission denied (capturing needs root or CAP_NET_RAW)"
			: pcap_geterr(p);
		if (!*why)
			why = pcap_statustostr(rc);
		die(EXIT_DUMP_CAPTURE, "%s: %s", o->iface, why);
	}
	if (rc > 0)
		warn("%s: %s", o->iface, pcap_statustostr(rc));
	return p;
}

static void set_filter(pcap_t *p, const char *filter)
{
	struct bpf_program prog;
	if (!filter)
		return;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		die(EXIT_DUMP_CAPTURE, "filter '%s': %s", filter, pcap_geterr(p));
	if (pcap_setfilter(p, &prog) < 0)
		die(EXIT_DUMP_CAPTURE, "filter '%s': %s", filter, pcap_geterr(p));
	pcap_freecode(&prog);
}

/* tcpdump's first line on stderr. */
static void announce(pcap_t *p, const struct capture_opts *o, int link)
{
	const char *name = pcap_datalink_val_to_name(link);
	const char *desc = pcap_datalink_val_to_description(link);
	if (o->iface)
		fprintf(stderr, "%s: listening on %s, link-type %s (%s), snapshot length %d bytes\n",
			progname, o->iface, name ? name : "?", desc ? desc : "?", pcap_snapshot(p));
	else
		fprintf(stderr, "reading from file %s, link-type %s (%s), snapshot length %d\n",
			o->file, name ? name : "?", desc ? desc : "?", pcap_snapshot(p));
}

static void live_stats(pcap_t *p, const struct engine *e)
{
	struct pcap_stat ps;
	fprintf(stderr, "%llu packets captured\n", (unsigned long long)e->st.frames);
	if (pcap_stats(p, &ps) == 0) {
		fprintf(stderr, "%u packets received by filter\n", ps.ps_recv);
		fprintf(stderr, "%u packets dropped by kernel\n", ps.ps_drop);
	}
}

int capture_run(struct engine *e, const struct capture_opts *o, int *interrupted)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int status = EXIT_DUMP_OK;
	*interrupted = 0;
	if (o->iface) {
		p = open_live(o);
		catch_signals();
	} else {
		p = pcap_open_offline_with_tstamp_precision(o->file, PCAP_TSTAMP_PRECISION_MICRO, err);
		/* libpcap names the file in some messages and not in others. */
		if (!p && strncmp(err, o->file, strlen(o->file)) == 0)
			die(EXIT_DUMP_CAPTURE, "%s", err);
		if (!p)
			die(EXIT_DUMP_CAPTURE, "%s: %s", o->file, err);
	}
	int link = pcap_datalink(p);
	if (!frame_link_ok(link))
		die(EXIT_DUMP_CAPTURE, "%s: link-type %s is not supported (Ethernet, Linux "
		    "cooked v1/v2, BSD loopback and raw IP are)", o->iface ? o->iface : o->file,
		    pcap_datalink_val_to_name(link) ? pcap_datalink_val_to_name(link) : "?");
	set_filter(p, o->filter);
	announce(p, o, link);
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		if (got_signal) {
			*interrupted = 1;
			break;
		}
		if (e->stopped)
			break;
		int rc = pcap_next_ex(p, &h, &data);
		if (rc == 1) {
			uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
			engine_frame(e, link, data, h->caplen, ts);
		} else if (rc == 0) {
			struct timeval now;  /* a live timeout: time passes anyway */
			gettimeofday(&now, NULL);
			engine_tick(e, (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec);
		} else if (rc == PCAP_ERROR_BREAK) {
			break;  /* the end of the file */
		} else if (rc < 0) {
			warn("%s: %s", o->iface ? o->iface : o->file, pcap_geterr(p));
			status = EXIT_DUMP_READ;
			break;
		}
	}
	if (o->iface)
		live_stats(p, e);
	pcap_close(p);
	return status;
}

/* \summary: stand-ins for libpcap's D-Bus capture source in a static link */
/*
 * Debian's libpcap is built with D-Bus support; linking libpcap.a pulls
 * pcap-dbus.o in through these two entry points, and with it libdbus,
 * libsystemd and six more shared libraries whose loading took a third of
 * a short trace's start-up.  hoptrace never captures on D-Bus, so when
 * configure links libpcap statically (--enable-static-pcap, the default
 * where libpcap.a exists) these stubs answer for it: no D-Bus devices,
 * and "not a D-Bus device" for any name.  Their signatures follow
 * libpcap's pcap-dbus.h.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <pcap/pcap.h>

int dbus_findalldevs(void *devlistp, char *errbuf);
pcap_t *dbus_create(const char *device, char *errbuf, int *is_ours);

int
dbus_findalldevs(void *devlistp, char *errbuf)
{
	(void)devlistp;
	(void)errbuf;
	return 0;
}

pcap_t *
dbus_create(const char *device, char *errbuf, int *is_ours)
{
	(void)device;
	(void)errbuf;
	*is_ours = 0;
	return NULL;
}

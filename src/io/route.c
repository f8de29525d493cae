/* \summary: route lookup over rtnetlink (RFC 3549) */
/*
 * One RTM_GETROUTE gives the output interface, the preferred source and
 * the route's type: a local destination (one of this host's addresses)
 * goes over the loopback device, where a capture sees every packet twice,
 * leaving and arriving, and its ring must be sized for that.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "io/route.h"	/* first: net/if.h before the linux headers */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#define NL_BUF 8192

struct nlreq {
	struct nlmsghdr h;
	union {
		struct rtmsg r;
	} u;
	char attrs[64];
};

static void
add_attr(struct nlreq *q, int type, const void *data, size_t len)
{
	char *base = (char *)q;
	size_t off = NLMSG_ALIGN(q->h.nlmsg_len);
	struct rtattr a;

	if (off + RTA_SPACE(len) > sizeof(*q))
		return;
	a.rta_type = (unsigned short)type;
	a.rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(base + off, &a, sizeof(a));
	memcpy(base + off + RTA_LENGTH(0), data, len);
	q->h.nlmsg_len = (uint32_t)(off + RTA_ALIGN(a.rta_len));
}

#ifndef RTM_F_FIB_MATCH
#define RTM_F_FIB_MATCH	0x2000	/* linux/rtnetlink.h, Linux 4.13 */
#endif

/* An RTM_GETROUTE request for dst (out of oif, if not 0). */
static void
request(struct nlreq *q, const struct ht_addr *dst, int oif,
    unsigned int flags)
{
	size_t asz = dst->af == 6 ? 16 : 4;

	memset(q, 0, sizeof(*q));
	q->h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q->h.nlmsg_type = RTM_GETROUTE;
	q->h.nlmsg_flags = NLM_F_REQUEST;
	q->u.r.rtm_family = (unsigned char)(dst->af == 6 ? AF_INET6 : AF_INET);
	q->u.r.rtm_dst_len = (unsigned char)(asz * 8);
	q->u.r.rtm_flags = flags;
	add_attr(q, RTA_DST, dst->a, asz);
	if (oif)
		add_attr(q, RTA_OIF, &oif, sizeof(oif));
}

/* Send one request; receive its single answer into buf. */
static int
talk(int fd, struct nlmsghdr *req, char *buf, size_t len)
{
	struct sockaddr_nl sa;
	struct nlmsghdr *h;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0)
		return -1;
	if ((n = recv(fd, buf, len, 0)) < (ssize_t)sizeof(*h))
		return -1;
	h = (struct nlmsghdr *)(void *)buf;
	if (!NLMSG_OK(h, (unsigned)n))
		return -1;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		errno = e->error ? -e->error : EINVAL;
		return -1;
	}
	return (int)n;
}

int
ht_route_get(const struct ht_addr *dst, const char *dev, struct ht_route *r,
    char *err, size_t errlen)
{
	char buf[NL_BUF];
	struct nlreq q;
	struct nlmsghdr *h;
	struct rtmsg *rm;
	struct rtattr *a;
	struct ifreq ifr;
	int fd, n, alen, oif = 0;
	size_t asz = dst->af == 6 ? 16 : 4;

	memset(r, 0, sizeof(*r));
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0) {
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		return -1;
	}
	if (dev != NULL && (oif = (int)if_nametoindex(dev)) == 0) {
		snprintf(err, errlen, "no interface %s", dev);
		close(fd);
		return -1;
	}
	request(&q, dst, oif, 0);
	if ((n = talk(fd, &q.h, buf, sizeof(buf))) < 0) {
		snprintf(err, errlen, "no route to host (%s)", strerror(errno));
		close(fd);
		return -1;
	}
	h = (struct nlmsghdr *)(void *)buf;
	rm = NLMSG_DATA(h);
	r->local = rm->rtm_type == RTN_LOCAL;
	alen = (int)RTM_PAYLOAD(h);
	for (a = RTM_RTA(rm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == sizeof(int))
			memcpy(&r->ifindex, RTA_DATA(a), sizeof(int));
		else if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) == asz) {
			r->src.af = dst->af;
			memcpy(r->src.a, RTA_DATA(a), asz);
		}
	}
	/* The interface's name by an ioctl on this socket. */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = r->ifindex;
	if (r->ifindex != 0 && ioctl(fd, SIOCGIFNAME, &ifr) == 0)
		snprintf(r->ifname, sizeof(r->ifname), "%.*s", IFNAMSIZ - 1,
		    ifr.ifr_name);
	close(fd);
	return 0;
}

int
ht_route_nexthops(const struct ht_addr *dst, const char *dev)
{
	char buf[NL_BUF];
	struct nlreq q;
	struct nlmsghdr *h;
	struct rtmsg *rm;
	struct rtattr *a;
	struct rtnexthop *nh;
	int fd, n, alen, oif = 0, hops = 0, left;

	if (dev != NULL && (oif = (int)if_nametoindex(dev)) == 0)
		return 0;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0)
		return 0;
	request(&q, dst, oif, RTM_F_FIB_MATCH);	/* the entry, not a path */
	n = talk(fd, &q.h, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return 0;
	h = (struct nlmsghdr *)(void *)buf;
	rm = NLMSG_DATA(h);
	alen = (int)RTM_PAYLOAD(h);
	for (a = RTM_RTA(rm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type != RTA_MULTIPATH)
			continue;
		nh = RTA_DATA(a);
		left = (int)RTA_PAYLOAD(a);
		while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
		    (int)nh->rtnh_len <= left) {
			hops++;
			left -= (int)RTNH_ALIGN(nh->rtnh_len);
			nh = RTNH_NEXT(nh);
		}
		return hops;
	}
	return 1;
}

int
ht_route_bind(int fd, const char *dev, const char *what, char *err,
    size_t errlen)
{
	if (dev == NULL || setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
	    (socklen_t)strlen(dev) + 1) == 0)
		return 0;
	snprintf(err, errlen, "%s %s: %s", what, dev, strerror(errno));
	close(fd);
	return -1;
}

/* The source address the kernel would choose for dst (connect trick). */
int
ht_route_source(const struct ht_addr *dst, const char *dev,
    struct ht_addr *src, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (dst->af == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(33434);
		memcpy(&s4->sin_addr, dst->a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(33434);
		memcpy(&s6->sin6_addr, dst->a, 16);
		sl = sizeof(*s6);
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) < 0)
		goto fail;
	if (ht_route_bind(fd, dev, "interface", err, errlen) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		close(fd);
		goto fail;
	}
	close(fd);
	memset(src, 0, sizeof(*src));
	src->af = dst->af;
	if (dst->af == 4)
		memcpy(src->a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(src->a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	return 0;
fail:
	snprintf(err, errlen, "no route to host: %s", strerror(errno));
	return -1;
}

#ifndef KOSMOS_CLIBMNL_SHIM_H
#define KOSMOS_CLIBMNL_SHIM_H
// glibc's socket headers come first: linux/libc-compat.h then skips its own copies of in6_addr and friends,
// which would otherwise clash with the Glibc module's definitions.
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <pthread.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/fib_rules.h>
#include <linux/veth.h>
#include <linux/if_bridge.h>

// Network namespaces. glibc declares setns(2)/unshare(2) only under _GNU_SOURCE, which the Swift Glibc module is
// not built with, so these go through syscall(2). Only the network namespace is ever switched, and only on the
// calling thread (a network namespace is per thread).
#define KOSMOS_CLONE_NEWNET 0x40000000

/// Moves the calling thread into the network namespace `fd` refers to (setns(fd, CLONE_NEWNET)).
static inline int kosmos_setns_net(int fd) {
    return (int)syscall(SYS_setns, fd, KOSMOS_CLONE_NEWNET);
}

/// Gives the calling thread a new, empty network namespace (unshare(CLONE_NEWNET)).
static inline int kosmos_unshare_net(void) {
    return (int)syscall(SYS_unshare, KOSMOS_CLONE_NEWNET);
}

/// `errno` is a macro over a thread-local function in glibc; Swift's Glibc import does expose it, but reading it
/// through one function keeps every call site in this module alike.
static inline int kosmos_errno(void) { return errno; }

// Netlink message layout. The NLMSG_* / RTA_* macros are not importable into Swift (function-like macros).

/// Aligned size of a netlink message header (NLMSG_HDRLEN).
static inline unsigned int kosmos_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }

/// Rounds a length up to netlink alignment (NLMSG_ALIGN / NLA_ALIGN, both 4 bytes).
static inline unsigned int kosmos_nl_align(unsigned int len) { return NLMSG_ALIGN(len); }

// Netlink socket options that libmnl has no wrapper for and that need a pointer to an int.

/// Sets an int-valued SOL_NETLINK option (NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_ADD_MEMBERSHIP, ...).
static inline int kosmos_mnl_set_int(struct mnl_socket *nl, int option, int value) {
    return mnl_socket_setsockopt(nl, option, &value, sizeof(value));
}

/// Sets an int-valued SOL_SOCKET option (SO_RCVBUFFORCE, SO_SNDBUFFORCE, SO_RCVBUF) on the netlink socket.
static inline int kosmos_mnl_set_sockopt(struct mnl_socket *nl, int option, int value) {
    return setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, option, &value, sizeof(value));
}

/// Receive timeout on the socket, so a reader thread can notice it was asked to stop.
static inline int kosmos_mnl_set_rcvtimeo_ms(struct mnl_socket *nl, int ms) {
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
    return setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

#endif

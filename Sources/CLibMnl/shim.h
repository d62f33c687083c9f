#ifndef KOSMOS_CLIBMNL_SHIM_H
#define KOSMOS_CLIBMNL_SHIM_H
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/fib_rules.h>
#include <linux/veth.h>
#include <linux/if_bridge.h>
#include <net/if.h>
#include <sys/socket.h>
#endif

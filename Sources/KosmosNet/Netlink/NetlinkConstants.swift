internal import CLibMnl

// The kernel headers export these through three different Swift types (Int for anonymous enums, Int32 for
// #defines, wrapper structs for named enums). Converting once here keeps every request builder typed alike.

@inline(__always) func n16<T: BinaryInteger>(_ value: T) -> UInt16 { UInt16(truncatingIfNeeded: value) }
@inline(__always) func n8<T: BinaryInteger>(_ value: T) -> UInt8 { UInt8(truncatingIfNeeded: value) }

/// Message types and flags from linux/netlink.h and linux/rtnetlink.h.
enum NLMsg {
    static let noop = n16(NLMSG_NOOP)
    static let error = n16(NLMSG_ERROR)
    static let done = n16(NLMSG_DONE)
    static let overrun = n16(NLMSG_OVERRUN)

    static let request = n16(NLM_F_REQUEST)
    static let multi = n16(NLM_F_MULTI)
    static let ack = n16(NLM_F_ACK)
    static let dumpInterrupted = n16(NLM_F_DUMP_INTR)
    static let dump = n16(NLM_F_DUMP)
    static let replace = n16(NLM_F_REPLACE)
    static let exclusive = n16(NLM_F_EXCL)
    static let create = n16(NLM_F_CREATE)
    static let append = n16(NLM_F_APPEND)
    static let ackTLVs = n16(NLM_F_ACK_TLVS)
    static let capped = n16(NLM_F_CAPPED)

    static let newLink = n16(RTM_NEWLINK)
    static let delLink = n16(RTM_DELLINK)
    static let getLink = n16(RTM_GETLINK)
    static let setLink = n16(RTM_SETLINK)
    static let newAddr = n16(RTM_NEWADDR)
    static let delAddr = n16(RTM_DELADDR)
    static let getAddr = n16(RTM_GETADDR)
    static let newRoute = n16(RTM_NEWROUTE)
    static let delRoute = n16(RTM_DELROUTE)
    static let getRoute = n16(RTM_GETROUTE)
    static let newNeigh = n16(RTM_NEWNEIGH)
    static let delNeigh = n16(RTM_DELNEIGH)
    static let getNeigh = n16(RTM_GETNEIGH)
    static let newRule = n16(RTM_NEWRULE)
    static let delRule = n16(RTM_DELRULE)
    static let getRule = n16(RTM_GETRULE)

    static let errAttrMsg = n16(NLMSGERR_ATTR_MSG.rawValue)
}

/// Link attributes (linux/if_link.h).
enum IFLA {
    static let address = n16(IFLA_ADDRESS)
    static let ifname = n16(IFLA_IFNAME)
    static let mtu = n16(IFLA_MTU)
    static let link = n16(IFLA_LINK)
    static let master = n16(IFLA_MASTER)
    static let operstate = n16(IFLA_OPERSTATE)
    static let linkinfo = n16(IFLA_LINKINFO)
    static let netNsFD = n16(IFLA_NET_NS_FD)
    static let infoKind = n16(IFLA_INFO_KIND)
    static let infoData = n16(IFLA_INFO_DATA)
    static let vethPeer = n16(VETH_INFO_PEER)

    static let vxlanID = n16(IFLA_VXLAN_ID)
    static let vxlanGroup = n16(IFLA_VXLAN_GROUP)
    static let vxlanLink = n16(IFLA_VXLAN_LINK)
    static let vxlanLocal = n16(IFLA_VXLAN_LOCAL)
    static let vxlanTTL = n16(IFLA_VXLAN_TTL)
    static let vxlanLearning = n16(IFLA_VXLAN_LEARNING)
    static let vxlanPort = n16(IFLA_VXLAN_PORT)
    static let vxlanGroup6 = n16(IFLA_VXLAN_GROUP6)
    static let vxlanLocal6 = n16(IFLA_VXLAN_LOCAL6)
    static let vxlanUDPCsum = n16(IFLA_VXLAN_UDP_CSUM)
    static let vxlanZeroCsum6Tx = n16(IFLA_VXLAN_UDP_ZERO_CSUM6_TX)
    static let vxlanZeroCsum6Rx = n16(IFLA_VXLAN_UDP_ZERO_CSUM6_RX)
}

/// Address attributes (linux/if_addr.h).
enum IFA {
    static let address = n16(IFA_ADDRESS)
    static let local = n16(IFA_LOCAL)
    static let label = n16(IFA_LABEL)
    static let flags = n16(IFA_FLAGS)
}

/// Route attributes (linux/rtnetlink.h).
enum RTA {
    static let dst = n16(RTA_DST.rawValue)
    static let src = n16(RTA_SRC.rawValue)
    static let oif = n16(RTA_OIF.rawValue)
    static let gateway = n16(RTA_GATEWAY.rawValue)
    static let priority = n16(RTA_PRIORITY.rawValue)
    static let prefsrc = n16(RTA_PREFSRC.rawValue)
    static let table = n16(RTA_TABLE.rawValue)
    static let via = n16(RTA_VIA.rawValue)
}

/// Neighbour attributes (linux/neighbour.h).
enum NDA {
    static let dst = n16(NDA_DST)
    static let lladdr = n16(NDA_LLADDR)
    static let master = n16(NDA_MASTER)
    static let vni = n16(NDA_VNI)
    static let port = n16(NDA_PORT)
    static let ifindex = n16(NDA_IFINDEX)
}

/// Rule attributes (linux/fib_rules.h).
enum FRA {
    static let dst = n16(FRA_DST)
    static let src = n16(FRA_SRC)
    static let iifname = n16(FRA_IIFNAME)
    static let oifname = n16(FRA_OIFNAME)
    static let priority = n16(FRA_PRIORITY)
    static let fwmark = n16(FRA_FWMARK)
    static let fwmask = n16(FRA_FWMASK)
    static let table = n16(FRA_TABLE)
}

// watch-pods: prints pod events from the cluster of a kubeconfig, through a shared informer.
//
//   swift run watch-pods [--kubeconfig PATH] [--context NAME] [--namespace NS] [--selector LABELS]
//
// The informer lists the pods, then watches from the list's resourceVersion; when the watch breaks it resumes,
// and when the server has compacted past it, it lists again and reports pods that vanished as deleted.
// Ctrl-C stops it cleanly.
import Dispatch
import KosmosAPI
#if canImport(Glibc)
import Glibc
#endif

func usage() -> Never {
    print("usage: watch-pods [--kubeconfig PATH] [--context NAME] [--namespace NS] [--selector LABELS]")
    exit(2)
}

var kubeconfig: String?
var context: String?
var namespace: String?
var selector: String?
var args = CommandLine.arguments.dropFirst()
while let flag = args.popFirst() {
    guard flag.hasPrefix("--") else { usage() }
    if flag == "--help" || flag == "-h" { usage() }
    guard let value = args.popFirst() else { usage() }
    switch flag {
    case "--kubeconfig": kubeconfig = value
    case "--context": context = value
    case "--namespace", "-n": namespace = value
    case "--selector", "-l": selector = value
    default: usage()
    }
}

func describe(_ pod: Pod) -> String {
    let ns = pod.namespace.map { "\($0)/" } ?? ""
    let node = pod.spec.nodeName.map { " node=\($0)" } ?? ""
    let ip = pod.status.podIP.map { " ip=\($0)" } ?? ""
    return "\(ns)\(pod.name) phase=\(pod.status.phase.rawValue)\(node)\(ip)"
}

let client: KubeClient
do {
    client = try KubeClient.fromKubeconfig(path: kubeconfig, context: context)
} catch {
    print("watch-pods: \(error)")
    exit(1)
}

let informer = SharedInformer(client: client, Pod.self, namespace: namespace, labelSelector: selector)
informer.addEventHandler { event in
    switch event {
    case .added(let pod): print("ADDED    \(describe(pod))")
    case .updated(let old, let new):
        // Relists and resyncs repeat unchanged objects; only print real changes.
        if old.metadata.resourceVersion != new.metadata.resourceVersion { print("MODIFIED \(describe(new))") }
    case .deleted(let pod): print("DELETED  \(describe(pod))")
    }
}

let run = Task { await informer.run() }
signal(SIGINT, SIG_IGN)
let sigint = DispatchSource.makeSignalSource(signal: SIGINT)
sigint.setEventHandler { run.cancel() }
sigint.resume()

Task {
    if await informer.waitForCacheSync() { print("-- synced \(informer.store.count) pod(s); watching") }
}
await run.value
print("-- stopped")

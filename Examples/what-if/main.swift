// what-if: where would these pods land, and why not elsewhere?
//
//   swift run what-if cluster-state.yaml pending-pods.yaml
//
// Loads Nodes, Pods (running ones count as load), PVs/PVCs and Kosmos policies from YAML, schedules the pods
// that have no node with KosmosSched's default profile, and prints the decision per pod, with no cluster at all.
import Foundation
import KosmosAPI
import KosmosSched

let files = Array(CommandLine.arguments.dropFirst())
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: what-if STATE.yaml [PODS.yaml ...]\n".utf8))
    exit(2)
}
do {
    var objects: [JSONValue] = []
    for file in files {
        objects += try YAML.parseAll(Array(try Data(contentsOf: URL(fileURLWithPath: file))), file: file)
    }
    let (snapshot, pods) = try Simulator.load(objects, source: files.joined(separator: ", "))
    let placements = try Simulator().run(snapshot: snapshot, pods: pods)
    print(Simulator.renderText(placements), terminator: "")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

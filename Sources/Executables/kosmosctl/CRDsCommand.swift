import ArgumentParser
import KosmosAPI

/// `kosmosctl crds`: prints the kosmos.io and MCS CustomResourceDefinitions.
struct CRDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds",
        abstract: "Print the Kosmos CustomResourceDefinitions (kosmos.io and multicluster.x-k8s.io).",
        discussion: "Apply them with: kosmosctl crds | kubectl apply -f -")

    @Option(name: .shortAndLong, help: "Output format: yaml (multi-document) or json (a v1 List).")
    var output: String = "yaml"

    func validate() throws {
        guard ["yaml", "json"].contains(output) else {
            throw ValidationError("--output must be yaml or json, got \(output)")
        }
    }

    func run() throws {
        let crds = KosmosCRDs.all().map(\.json)
        if output == "json" {
            let list: JSONValue = ["apiVersion": "v1", "kind": "List", "items": .array(crds)]
            print(list.serializedString(JSONWriteOptions(indent: 4, escapeHTML: false)))
        } else {
            print(YAML.serializeAll(crds), terminator: "")
        }
    }
}

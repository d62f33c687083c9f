import ArgumentParser
import KosmosAPI

/// `kosmosctl`: the Kosmos command line. Each subcommand parses flags and calls one library entry point.
@main
struct Kosmosctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kosmosctl",
        abstract: "Join Kubernetes clusters into one with Kosmos, or run local clusters on this machine.",
        discussion: """
            Local clusters (no Docker needed):
              kosmosctl local-up --clusters 2 --nodes 2    start host + member1 in the background
              kosmosctl local-status                         show what runs
              kosmosctl local-down                           stop it and remove everything it made
            """,
        version: KosmosVersion.current,
        subcommands: [CRDs.self, Join.self, Unjoin.self, Get.self, Check.self, LocalUp.self, LocalStatus.self, LocalDown.self, LocalExec.self, Local.self, LocalSupervise.self, Version.self])
}

/// `kosmosctl version`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the kosmosctl version.")
    func run() throws { print("kosmosctl \(KosmosVersion.current)") }
}

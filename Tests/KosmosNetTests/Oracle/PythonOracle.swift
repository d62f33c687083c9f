import Foundation
import Testing

/// Runs one batch of cases through Python's `ipaddress` module (one process per batch) and compares answers.
enum PythonOracle {
    /// The python3 interpreter, or `nil` when the machine has none.
    static let python: String? = {
        let env = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in env.split(separator: ":") {
            let path = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Answers `cases` (tab-joined fields per case) with the oracle's operation `op`.
    /// - Returns: one answer per case, or `nil` (after printing why) when python3 is missing.
    static func answers(_ op: String, _ cases: [[String]]) throws -> [String]? {
        guard let python else {
            print("SKIPPED oracle '\(op)': python3 not found on PATH, so no independent answers to compare with")
            return nil
        }
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("kosmosnet-oracle-\(op)-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(cases.map { $0.joined(separator: "\t") }.joined(separator: "\n").utf8).write(to: input)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", pythonOracleScript, op]
        process.standardInput = try FileHandle(forReadingFrom: input)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Python reads all input before writing, and stdin is a file: reading stdout to the end cannot deadlock.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python oracle '\(op)' exited \(process.terminationStatus): "
                + String(decoding: errData, as: UTF8.self))
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.count == cases.count else {
            throw Failure(description: "python oracle '\(op)' answered \(lines.count) lines for \(cases.count) cases")
        }
        return lines.map(String.init)
    }

    /// Compares `ours` with the oracle on every case, recording up to 10 mismatches as issues.
    /// - Returns: the number of cases compared (0 when skipped).
    @discardableResult
    static func check(
        _ op: String, _ cases: [[String]], sourceLocation: SourceLocation = #_sourceLocation,
        ours: ([String]) -> String
    ) throws -> Int {
        let clock = ContinuousClock()
        let pythonStart = clock.now
        guard let expected = try answers(op, cases) else { return 0 }
        let pythonTime = clock.now - pythonStart
        let oursStart = clock.now
        let got = cases.map(ours)
        let oursTime = clock.now - oursStart
        print("oracle \(op): \(cases.count) cases; python \(pythonTime), ours \(oursTime)")
        var mismatches = 0
        for ((fields, want), got) in zip(zip(cases, expected), got) {
            if got != want {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record(
                        "\(op)(\(fields.joined(separator: ", "))): ours \"\(got)\", python \"\(want)\"",
                        sourceLocation: sourceLocation)
                }
            }
        }
        if mismatches > 10 {
            Issue.record("\(op): \(mismatches) mismatches in \(cases.count) cases", sourceLocation: sourceLocation)
        }
        return cases.count
    }
}

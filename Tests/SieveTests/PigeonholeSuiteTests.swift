import Foundation
import Sieve
import Testing

/// Runs Pigeonhole's own test suite (data only, read at run time from the shared test data)
/// through `SieveTestsuite`: every `.svtest` whose required extensions this module
/// implements. Files needing other extensions are skipped and reported, not counted.
@Suite struct PigeonholeSuiteTests {
    /// Passing files in the last full run; fewer means a regression.
    static let minimumPassing = 85

    /// Files known to fail, each with the reason.
    static let expectedFailures: [String: String] = [
        "compile/errors.svtest":
            "every error is counted now, but Pigeonhole limits the arguments of one command (parser test) and three tests match Pigeonhole's own error wording",
        "deprecated/imapflags/errors.svtest":
            "deprecated imapflags extension not implemented",
        "deprecated/imapflags/execute.svtest":
            "deprecated imapflags extension not implemented",
        "deprecated/notify/errors.svtest":
            "deprecated notify extension not implemented",
        "deprecated/notify/execute.svtest":
            "deprecated notify extension not implemented",
        "execute/errors-cpu-limit.svtest":
            "needs vnd.dovecot.debug in the compiled script",
        "execute/errors.svtest":
            "only 'bad UTF-8 in folder name' is left: invalid UTF-8 produced by ${hex:} is a compile error here (a Swift string holds only valid UTF-8)",
        "execute/examples.svtest":
            "example scripts are not in the shared test data",
        "extensions/body/text.svtest":
            "a syntactically invalid Content-Type is text/plain here, as RFC 2045 §5.2 recommends; Pigeonhole skips the part",
        "extensions/duplicate/errors.svtest":
            "vnd.dovecot.duplicate not implemented",
        "extensions/encoded-character.svtest":
            "expects the string test to compare case-sensitively by default; RFC 5228 §2.7.3 makes i;ascii-casemap the default (malformed ${hex:} sequences pass)",
        "extensions/enotify/execute.svtest":
            "enotify not implemented",
        "extensions/metadata/errors.svtest":
            "metadata extensions not implemented",
        "extensions/mime/errors.svtest":
            "mime/foreverypart not implemented",
        "extensions/mime/execute.svtest":
            "mime/foreverypart not implemented",
        "extensions/spamvirustest/errors.svtest":
            "spamtest/virustest not implemented",
        "extensions/special-use/errors.svtest":
            "special-use not implemented",
        "extensions/variables/basic.svtest":
            "expects case-sensitive string :is by default; RFC 5228 §2.7.3 says i;ascii-casemap",
        "extensions/variables/modifiers.svtest":
            "expects case-sensitive string :is by default; RFC 5228 §2.7.3 says i;ascii-casemap",
        "extensions/vnd.dovecot/report/errors.svtest":
            "vnd.dovecot.report not implemented",
        "failures/fuzz1.svtest":
            "Pigeonhole runs failures/*.svtest expecting every test to fail (-F); they fail here too, while this runner expects a pass",
        "failures/fuzz2.svtest":
            "Pigeonhole runs failures/*.svtest expecting every test to fail (-F); they fail here too, while this runner expects a pass",
        "failures/fuzz3.svtest":
            "Pigeonhole runs failures/*.svtest expecting every test to fail (-F); they fail here too, while this runner expects a pass",
        "failures/mailbox-bad-utf8.svtest":
            "invalid UTF-8 from encoded-character is a compile error here",
        "multiscript/basic.svtest":
            "its third script uses enotify's notify action, not implemented",
        "plugins/extprograms/errors.svtest":
            "extprograms plugins not implemented",
        "plugins/extprograms/execute/errors.svtest":
            "extprograms plugins not implemented",
        "plugins/extprograms/filter/errors.svtest":
            "extprograms plugins not implemented",
        "plugins/extprograms/pipe/errors.svtest":
            "vnd.dovecot.pipe not implemented (${tst.path} works)",
    ]

    /// Where the shared test data holds the suite: `$POPSTORE_SHARED/testdata/...` when
    /// set, else the first `shared/testdata/pigeonhole-0.5.19/tests` beside the repository
    /// or beside one of its parent directories (`<repo>/../shared` on the project's
    /// machines, wherever the clone lives).
    static var suiteDirectory: URL {
        let relative = "testdata/pigeonhole-0.5.19/tests"
        if let shared = ProcessInfo.processInfo.environment["POPSTORE_SHARED"] {
            return URL(fileURLWithPath: shared).appendingPathComponent(relative)
        }
        let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var directory = repository
        while directory.path != "/" {
            let candidate = directory.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relative)
    }

    /// Runs the suite on a thread of its own: it is seconds of CPU work, which on the
    /// test runner's cooperative pool (one thread per core) would stall other suites'
    /// timing-sensitive async tests.
    @Test func pigeonholeSuiteOffThePool() async {
        let problems = await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            let thread = Thread { done.resume(returning: Self.runSuite()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
    }

    /// Runs every applicable file; returns the problems found (none when all is as expected).
    static func runSuite() -> [String] {
        var problems: [String] = []
        let directory = Self.suiteDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ["Pigeonhole test suite not found at \(directory.path); it belongs in the shared test data (or set POPSTORE_SHARED)"]
        }
        let files = Self.testFiles(in: directory)
        if files.isEmpty { problems.append("no .svtest files under \(directory.path)") }
        var passed: [String] = []
        var failed: [String: String] = [:]
        var skipped: [String: [String]] = [:]
        for path in files {
            let file = directory.appendingPathComponent(path)
            guard let source = try? String(contentsOf: file, encoding: .utf8) else {
                failed[path] = "unreadable"
                print("FAIL \(path): unreadable")
                continue
            }
            let missing = Self.missingExtensions(source)
            if !missing.isEmpty {
                skipped[path] = missing
                print("SKIP \(path): needs \(missing.joined(separator: ", "))")
                continue
            }
            let report = SieveTestsuite.run(source, host: Self.host(for: file.deletingLastPathComponent()))
            if report.passed {
                passed.append(path)
                print("PASS \(path)")
            } else {
                let reason = report.failures.joined(separator: "; ")
                failed[path] = reason
                print("FAIL \(path): \(reason)")
            }
        }
        print(
            "Pigeonhole suite: \(files.count) files, \(passed.count + failed.count) run, \(passed.count) passed, \(failed.count) failed, \(skipped.count) skipped"
        )
        if passed.count < Self.minimumPassing {
            problems.append("only \(passed.count) files passed, expected at least \(Self.minimumPassing)")
        }
        for (path, reason) in failed.sorted(by: { $0.key < $1.key }) where Self.expectedFailures[path] == nil {
            problems.append("unexpected failure: \(path): \(reason)")
        }
        return problems
    }

    /// Every `.svtest` under `directory`, as sorted relative paths.
    static func testFiles(in directory: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".svtest") }.sorted()
    }

    /// The `require`d capabilities this module lacks; a file that does not parse lacks none
    /// (it runs, and fails).
    static func missingExtensions(_ source: String) -> [String] {
        guard let commands = try? SieveScript.parse(source) else { return [] }
        var missing: [String] = []
        for command in commands where command.name.lowercased() == "require" {
            for argument in command.arguments.arguments {
                guard case .strings(let names, _) = argument.value else { continue }
                for name in names where !SieveTestsuite.capabilities.contains(name) && !missing.contains(name) {
                    missing.append(name)
                }
            }
        }
        return missing
    }

    /// Scripts named by the test are read relative to its directory; `include` looks in
    /// "included" and "included-global" beside it, as Pigeonhole's test runner configures.
    static func host(for directory: URL) -> SieveTestsuiteHost {
        SieveTestsuiteHost(
            readScript: { path in
                try? String(contentsOf: directory.appendingPathComponent(path).standardizedFileURL, encoding: .utf8)
            },
            loadIncluded: { name, location in
                let folder = location == .global ? "included-global" : "included"
                return try? String(contentsOf: directory.appendingPathComponent("\(folder)/\(name).sieve"), encoding: .utf8)
            },
            now: SieveTimestamp(secondsSince1970: 1_700_000_000, utcOffsetMinutes: 60), path: directory.path)
    }
}

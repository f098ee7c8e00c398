import Testing

@testable import Sieve

/// The include extension, with RFC 6609's examples.
@Suite struct SieveIncludeTests {
    /// A script store in memory: "personal:name" or "global:name" to source.
    private func context(_ scripts: [String: String]) -> SieveRunContext {
        SieveRunContext(loadScript: { name, location in scripts["\(location.rawValue):\(name)"] })
    }

    /// RFC 6609 §3.2, example 1: personal and global scripts of the same name.
    @Test func rfcExampleOne() throws {
        let scripts = [
            "personal:always_allow": #"if address :is "from" "boss@example.com" { keep; }"#,
            "personal:spam_tests": """
            require ["reject"];
            if header :contains "Subject" "XXXX" { reject "Subject XXXX is unacceptable."; }
            elsif address :is "from" "money@example.com" { reject "Mail from this sender is unwelcome."; }
            """,
            "global:spam_tests": """
            require ["reject"];
            if anyof (header :contains "Subject" "$$", header :contains "Subject" "Make money") { reject "No thank you."; }
            """,
            "personal:mailing_lists": """
            require ["fileinto"];
            if header :is "Sender" "owner-ietf-mta-filters@imc.org" { fileinto "lists.sieve"; }
            elsif header :is "Sender" "owner-ietf-imapext@imc.org" { fileinto "lists.imapext"; }
            """,
        ]
        let script = """
            require ["include"];
            include :personal "always_allow";
            include :global "spam_tests";
            include :personal "spam_tests";
            include :personal "mailing_lists";
            """
        let context = context(scripts)
        let boss = try runScript(script, message: "From: boss@example.com\n\n", context: context)
        #expect(boss.actions == [keepJSON])
        let spam = try runScript(script, message: "From: x@example.com\nSubject: Make money fast\n\n", context: context)
        #expect(spam.actions == [#"{"action":"reject","reason":"No thank you."}"#])
        let list = try runScript(script, message: "Sender: owner-ietf-mta-filters@imc.org\n\n", context: context)
        #expect(list.actions == [#"{"action":"fileinto","mailbox":"lists.sieve","flags":[],"copy":false,"create":false}"#])
    }

    /// RFC 6609 §3.3, example: global variables shared with an included script.
    @Test func rfcGlobalVariables() throws {
        let scripts = [
            "personal:subject_tests": """
            require ["include", "variables"];
            global ["test", "test_mailbox"];
            if header :contains "Subject" "${test}" { set "test_mailbox" "spam-${test}"; }
            """
        ]
        let script = """
            require ["include", "variables", "relational", "fileinto"];
            global "test";
            global "test_mailbox";
            set "test" "$$";
            include "subject_tests";
            set "test" "Make money";
            include "subject_tests";
            if string :count "eq" "${test_mailbox}" "1" { fileinto "${test_mailbox}"; stop; }
            """
        let run = try runScript(script, message: "Subject: Make money\n\n", context: context(scripts))
        #expect(run.actions == [#"{"action":"fileinto","mailbox":"spam-Make money","flags":[],"copy":false,"create":false}"#])
    }

    @Test func localVariablesAreNotShared() throws {
        let scripts = [
            "personal:inner": #"require ["variables", "include"]; set "local" "inner"; set "global.shared" "${local}";"#
        ]
        let script = """
            require ["include", "variables", "reject"];
            set "local" "outer";
            include "inner";
            reject "${local}/${global.shared}";
            """
        let run = try runScript(script, message: "\n", context: context(scripts))
        #expect(run.actions == [#"{"action":"reject","reason":"outer/inner"}"#])
    }

    @Test func returnEndsOnlyTheIncludedScript() throws {
        let scripts = ["personal:early": #"require "include"; if true { return; } discard;"#]
        let script = #"require ["include", "fileinto"]; include "early"; fileinto "after"; return; keep;"#
        let run = try runScript(script, message: "\n", context: context(scripts))
        #expect(run.actions == [#"{"action":"fileinto","mailbox":"after","flags":[],"copy":false,"create":false}"#])
        let stopping = ["personal:early": #"stop;"#]
        #expect(try runScript(script, message: "\n", context: context(stopping)).actions.isEmpty)
    }

    @Test func onceAndOptional() throws {
        let scripts = ["personal:count": #"require ["variables", "include"]; global "n"; set "n" "${n}x";"#]
        let script = """
            require ["include", "variables", "reject"];
            global "n";
            include :once "count";
            include :once "count";
            include "count";
            include :optional "missing";
            reject "${n}";
            """
        #expect(try runScript(script, message: "\n", context: context(scripts)).actions == [#"{"action":"reject","reason":"xx"}"#])
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "include"; include "missing";"#, message: "\n") }
    }

    @Test func recursionAndLimitsFail() {
        let recursive = context(["personal:a": #"require "include"; include "b";"#, "personal:b": #"require "include"; include "a";"#])
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "include"; include "a";"#, message: "\n", context: recursive) }
        var chain: [String: String] = [:]
        for level in 0..<20 { chain["personal:s\(level)"] = #"require "include"; include "s\#(level + 1)";"# }
        chain["personal:s20"] = "keep;"
        #expect(throws: SieveRuntimeError.self) {
            try runScript(#"require "include"; include "s0";"#, message: "\n", context: context(chain))
        }
        let many = context(["personal:k": "keep;"])
        let script = "require \"include\";\n" + String(repeating: "include \"k\";\n", count: SieveLimits.maximumIncludes + 1)
        #expect(throws: SieveRuntimeError.self) { try runScript(script, message: "\n", context: many) }
        let broken = context(["personal:bad": "if {"])
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "include"; include "bad";"#, message: "\n", context: broken) }
    }

    @Test(arguments: [
        #"include "a";"#,
        #"require "include"; include "a/b";"#,
        #"require ["include", "variables"]; set "x" "a"; include "${x}";"#,
        #"require "include"; global "x";"#,
        #"require "include"; include :personal :global "a";"#,
        #"require "variables"; set "global.x" "1";"#,
        #"require ["variables", "include"]; set "globl.x" "1";"#,
        #"require ["variables", "include"]; set "global.a.b" "1";"#,
        #"require ["variables"]; if string "${env.x}" "" {}"#,
    ])
    func compileErrors(script: String) {
        #expect(compileError(script) != nil)
    }
}

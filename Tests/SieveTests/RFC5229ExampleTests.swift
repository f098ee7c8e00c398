import Testing

@testable import Sieve

/// Every example script of RFC 5229 (variables), run against messages built for it. A
/// variable's value is made visible by rejecting with it.
@Suite struct RFC5229ExampleTests {
    private func reject(_ reason: String) -> SieveAction { .reject(reason: reason, extended: false) }

    /// §3.1: a value is not expanded again, so "${dollar}{beep}" gives "${beep}". The
    /// RFC shows the two `set` commands without `require`; they are run with it here.
    @Test func expansionIsNotRecursive() throws {
        let script = """
            require ["variables", "reject"];
            set "dollar" "$";
            set "text" "regarding ${dollar}{beep}";
            reject "${text}";
            """
        try expectRun(script, on: "\n", actions: [reject("regarding ${beep}")], implicitKeep: false)
        #expect(compileError(#"set "dollar" "$";"#) != nil)
    }

    /// §3.1: encoded characters are decoded before variables are expanded, so
    /// "dear${hex:20 24 7b 4e}ame}" is "dear ${Name}", that is "dear Ethelbert". The RFC
    /// prints `set "name" "Ethelbert"` without its semicolon, so the script as printed
    /// does not compile; the corrected script is run, with a discard added to the
    /// example's empty block to observe the test.
    @Test func encodedCharacterBeforeVariables() throws {
        let printed = """
            require ["encoded-character", "variables"];
            set "name" "Ethelbert"
            if header :contains "Subject" "dear${hex:20 24 7b 4e}ame}" {
                # the test string is "dear Ethelbert"
            }
            """
        #expect(compileError(printed) != nil)
        let script = """
            require ["encoded-character", "variables"];
            set "name" "Ethelbert";
            if header :contains "Subject" "dear${hex:20 24 7b 4e}ame}" {
                # the test string is "dear Ethelbert"
                discard;
            }
            """
        try expectRun(script, on: "Subject: Hello dear Ethelbert!\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: dear ${Name}\n\n", actions: [], implicitKeep: true)
    }

    /// §3.2: match variables. The RFC prints `fileinfo "INBOX.lists.${1}";` (a typo for
    /// fileinto, line 12 below), so as printed the script does not compile; this is the
    /// corrected script. `matchVariablesAsPrinted` checks the printed one.
    static let matchVariables = """
        require ["fileinto", "variables"];

        if header :matches "List-ID" "*<*@*" {
            fileinto "INBOX.lists.${2}"; stop;
        }

        # Imagine the header
        # Subject: [acme-users] [fwd] version 1.0 is out
        if header :matches "Subject" "[*] *" {
            # ${1} will hold "acme-users",
            # ${2} will hold "[fwd] version 1.0 is out"
            fileinto "INBOX.lists.${1}"; stop;
        }

        # Imagine the header
        # To: coyote@ACME.Example.COM
        if address :matches ["To", "Cc"] ["coyote@**.com",
                "wile@**.com"] {
            # ${0} is the matching address
            # ${1} is always the empty string
            # ${2} is part of the domain name ("ACME.Example")
            fileinto "INBOX.business.${2}"; stop;
        } else {
            # Control wouldn't reach this block if any match was
            # successful, so no match variables are set at this
            # point.
        }

        if anyof (true, address :domain :matches "To" "*.com") {
            # The second test is never evaluated, so there are
            # still no match variables set.
            stop;
        }
        """

    /// §3.2, as printed: the unknown command "fileinfo" is reported at its line.
    @Test func matchVariablesAsPrinted() {
        let printed = Self.matchVariables.replacingOccurrences(
            of: #"fileinto "INBOX.lists.${1}";"#, with: #"fileinfo "INBOX.lists.${1}";"#)
        #expect(printed != Self.matchVariables)
        let error = compileError(printed)
        #expect(error?.message.contains("unknown command 'fileinfo'") == true, "\(String(describing: error))")
        #expect(error?.location.description == "12:5")
    }

    @Test(arguments: [
        ("List-ID: Sieve <sieve@ietf.example.org>\n\n", "INBOX.lists.sieve"),
        ("Subject: [acme-users] [fwd] version 1.0 is out\n\n", "INBOX.lists.acme-users"),
        ("To: coyote@ACME.Example.COM\n\n", "INBOX.business.ACME.Example"),
        ("To: someone@example.org\nCc: Wile <wile@desert.example.com>\n\n", "INBOX.business.desert.example"),
    ])
    func matchVariables(message: String, mailbox: String) throws {
        try expectRun(Self.matchVariables, on: message, actions: [fileinto(mailbox)], implicitKeep: false)
    }

    /// §3.2: with no match, the script ends at the `anyof (true, ...)` stop.
    @Test func matchVariablesNoMatch() throws {
        try expectRun(Self.matchVariables, on: "To: roadrunner@example.org\nSubject: meep\n\n", actions: [], implicitKeep: true)
    }

    /// §3.2: "${1}" is the empty string, "${2}" the domain, "${0}" the whole address.
    @Test func matchVariablesValues() throws {
        let script = """
            require ["variables", "reject"];
            if address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {
                reject "[${0}] [${1}] [${2}]";
            }
            """
        try expectRun(
            script, on: "To: coyote@ACME.Example.COM\n\n", actions: [reject("[coyote@ACME.Example.COM] [] [ACME.Example]")],
            implicitKeep: false)
    }

    /// §4: `set` with a multi-line string; names are case-insensitive.
    @Test func setMultiLine() throws {
        let script = """
            require ["variables", "reject"];
            set "honorific"  "Mr";
            set "first_name" "Wile";
            set "last_name"  "Coyote";
            set "vacation" text:
            Dear ${HONORIFIC} ${last_name},
            I'm out, please leave a message after the meep.
            .
            ;
            reject "${vacation}";
            """
        try expectRun(
            script, on: "\n", actions: [reject("Dear Mr Coyote,\r\nI'm out, please leave a message after the meep.\r\n")],
            implicitKeep: false)
    }

    /// §4.1: each modifier example; the value of "b" after each `set`.
    @Test(arguments: [
        (#"set "b" "${a}";"#, "juMBlEd lETteRS"),
        (#"set :length "b" "${a}";"#, "15"),
        (#"set :lower "b" "${a}";"#, "jumbled letters"),
        (#"set :upperfirst "b" "${a}";"#, "JuMBlEd lETteRS"),
        (#"set :upperfirst :lower "b" "${a}";"#, "Jumbled letters"),
        (#"set :quotewildcard "b" "Rock*";"#, #"Rock\*"#),
    ])
    func modifiers(set: String, value: String) throws {
        let script = """
            require ["variables", "reject"];
            set "a" "juMBlEd lETteRS";
            \(set)
            reject "${b}";
            """
        try expectRun(script, on: "\n", actions: [reject(value)], implicitKeep: false)
    }

    /// §5: the string test; " ${state} " always matches "* pending *". The example's
    /// block is empty and it has no `require`; both are added.
    @Test func stringTest() throws {
        let script = """
            require ["variables", "reject"];
            set "state" "${state} pending";
            if string :matches " ${state} " "* pending *" {
                # the above test always succeeds
                reject "${state}";
            }
            """
        try expectRun(script, on: "\n", actions: [reject(" pending")], implicitKeep: false)
    }
}

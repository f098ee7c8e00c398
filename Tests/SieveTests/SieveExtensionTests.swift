import Testing

@testable import Sieve

/// Examples from the extension RFCs, run against small messages.
@Suite struct SieveExtensionTests {
    /// RFC 5229 §3.2 example.
    @Test func variablesMatchVariables() throws {
        let script = """
            require ["fileinto", "variables"];
            if header :matches "List-ID" "*<*@*" {
                fileinto "INBOX.lists.${2}"; stop;
            }
            """
        let run = try runScript(script, message: "List-Id: Dovecot Mailing List <dovecot@dovecot.example.net>\n\n")
        #expect(run.actions == [#"{"action":"fileinto","mailbox":"INBOX.lists.dovecot","flags":[],"copy":false,"create":false}"#])
    }

    /// RFC 5229 §4.1 examples of set modifiers.
    @Test func setModifiers() throws {
        let script = """
            require ["variables", "reject"];
            set "a" "juMBlEd lETteRS";
            set :length "b" "${a}";
            set :lower "c" "${a}";
            set :upperfirst "d" "${a}";
            set :upperfirst :lower "e" "${a}";
            set :quotewildcard "f" "Rock*";
            reject "${b}|${c}|${d}|${e}|${f}|${unset}";
            """
        let run = try runScript(script, message: "\n")
        #expect(run.actions == [#"{"action":"reject","reason":"15|jumbled letters|JuMBlEd lETteRS|Jumbled letters|Rock\\*|"}"#])
    }

    @Test func setModifiersOfOnePrecedenceConflict() {
        #expect(compileError(#"require "variables"; set :lower :upper "a" "b";"#)?.message.contains("cannot be combined") == true)
    }

    /// RFC 5231 §5 example.
    @Test func relationalCountAndValue() throws {
        let script = """
            require ["relational", "comparator-i;ascii-numeric"];
            if header :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"] { discard; }
            if header :value "lt" :comparator "i;ascii-numeric" ["x-priority"] ["3"] { keep; }
            """
        #expect(try runScript(script, message: "To: a\nTo: b\nCc: c\n\n").actions == [discardJSON])
        #expect(try runScript(script, message: "To: a\nX-Priority: 1\n\n").actions == [keepJSON])
        #expect(try runScript(script, message: "To: a\nX-Priority: 5\n\n").actions.isEmpty)
    }

    /// RFC 5233 §5 examples.
    @Test func subaddress() throws {
        let script = """
            require ["envelope", "subaddress", "fileinto"];
            if envelope :user "to" "ken" { fileinto "mailbox1"; }
            if envelope :detail "to" "mta-filters" { fileinto "mailbox2"; }
            if address :detail "to" "" { discard; }
            """
        let run = try runScript(script, message: "To: ken+@example.org\n\n", envelopeTo: "ken+mta-filters@example.org")
        #expect(run.actions.count == 3)
        #expect(try runScript(script, message: "To: ken@example.org\n\n", envelopeTo: "bob@example.org").actions.isEmpty)
    }

    /// RFC 3894 §4: :copy keeps the implicit keep.
    @Test func copy() throws {
        let run = try runScript(#"require ["copy", "fileinto"]; redirect :copy "x@y.z"; fileinto :copy "A";"#, message: "\n")
        #expect(run.implicitKeep)
        #expect(run.actions.first == #"{"action":"redirect","address":"x@y.z","copy":true}"#)
    }

    /// RFC 5429: reject and ereject cannot be combined with keep.
    @Test func rejectConflicts() throws {
        let run = try runScript(#"require "ereject"; ereject "no thanks";"#, message: "\n")
        #expect(run.actions == [#"{"action":"ereject","reason":"no thanks"}"#])
        #expect(!run.implicitKeep)
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "reject"; keep; reject "no";"#, message: "\n") }
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "reject"; reject "no"; keep;"#, message: "\n") }
    }

    /// RFC 5230 §4 example, and RFC 6131 :seconds.
    @Test func vacation() throws {
        let script = """
            require "vacation";
            vacation :days 23 :addresses ["tjs@example.edu",
                                          "ts4z@landru.example.edu"]
               "I'm away until October 19.  If it's an emergency, call 911, I guess." ;
            """
        let run = try runScript(script, message: "\n")
        #expect(run.implicitKeep)
        #expect(run.actions.count == 1)
        #expect(run.actions[0].hasPrefix(#"{"action":"vacation","reason":"I'm away until October 19."#))
        #expect(run.actions[0].contains(#""addresses":["tjs@example.edu","ts4z@landru.example.edu"],"mime":false"#))
        #expect(run.actions[0].hasSuffix(#""seconds":1987200}"#))
        let seconds = try runScript(#"require "vacation-seconds"; vacation :seconds 60 :handle "h" "r";"#, message: "\n")
        #expect(seconds.actions == [#"{"action":"vacation","reason":"r","addresses":[],"mime":false,"handle":"h","seconds":60}"#])
        #expect(throws: SieveRuntimeError.self) { try runScript(#"require "vacation"; vacation "a"; vacation "b";"#, message: "\n") }
    }

    /// RFC 5173 §8 example (adapted to a message) and :raw / :content.
    @Test func body() throws {
        let message = """
            Content-Type: multipart/mixed; boundary="XX"

            --XX
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Please find the MAKE M=C3=96NEY FAST attachment.
            --XX
            Content-Type: application/octet-stream
            Content-Transfer-Encoding: base64

            c2VjcmV0IHBheWxvYWQ=
            --XX--

            """
        let text = #"require "body"; if body :text :contains "make mÖney" { discard; }"#
        #expect(try runScript(text, message: message).actions == [discardJSON])
        let content = #"require "body"; if body :content "application" :contains "secret payload" { discard; }"#
        #expect(try runScript(content, message: message).actions == [discardJSON])
        let raw = #"require "body"; if body :raw :contains "c2VjcmV0" { discard; }"#
        #expect(try runScript(raw, message: message).actions == [discardJSON])
        let notInText = #"require "body"; if body :text :contains "secret" { discard; }"#
        #expect(try runScript(notInText, message: message).actions.isEmpty)
    }

    /// RFC 5232 §6 examples.
    @Test func imap4flags() throws {
        let script = """
            require ["imap4flags", "fileinto"];
            addflag "\\\\Flagged";
            addflag ["\\\\Seen", "$Work"];
            removeflag "\\\\flagged";
            if hasflag :contains "work" { fileinto "Work"; }
            keep :flags "\\\\Answered";
            """
        let run = try runScript(script, message: "\n")
        #expect(
            run.actions == [
                #"{"action":"fileinto","mailbox":"Work","flags":["\\Seen","$Work"],"copy":false,"create":false}"#,
                #"{"action":"keep","flags":["\\Answered"]}"#,
            ])
    }

    /// RFC 5293 §7 example style.
    @Test func editheader() throws {
        let script = """
            require ["editheader", "index"];
            addheader "X-Hello" "World";
            deleteheader :index 1 :last "X-Old";
            deleteheader :contains "X-Spam" "yes";
            if header :is "X-Hello" "World" { discard; }
            """
        let program = try SieveScript.compile(script)
        let message = SieveMessage(parsing: Array("X-Old: 1\r\nX-Old: 2\r\nX-Spam: yes really\r\n\r\n".utf8))
        let result = try program.run(on: message)
        #expect(
            result.actions.map(\.json) == [
                #"{"action":"addheader","name":"X-Hello","value":"World","last":false}"#,
                #"{"action":"deleteheader","name":"X-Old","count":1}"#,
                #"{"action":"deleteheader","name":"X-Spam","count":1}"#, discardJSON,
            ])
        #expect(result.editedHeader?.map(\.name) == ["X-Hello", "X-Old"])
        #expect(result.editedHeader?[1].value == " 1")
    }

    /// RFC 7352 §3.4 example.
    @Test func duplicate() throws {
        let script = """
            require "duplicate";
            if duplicate { discard; }
            """
        let seen = SieveRunContext(isDuplicate: { $0.uniqueID == "<abc@example.org>" })
        #expect(try runScript(script, message: "Message-ID: <abc@example.org>\n\n", context: seen).actions == [discardJSON])
        #expect(try runScript(script, message: "Message-ID: <new@example.org>\n\n", context: seen).actions.isEmpty)
        let result = try SieveScript.compile(script).run(on: SieveMessage(parsing: Array("Message-ID: <x>\r\n\r\n".utf8)))
        #expect(result.duplicateChecks == [SieveDuplicateCheck(handle: "", uniqueID: "<x>", seconds: nil, last: false)])
    }

    @Test func environmentMailboxAndIhave() throws {
        let script = """
            require ["environment", "mailbox", "ihave", "fileinto"];
            if environment :is "phase" "during" { keep; }
            if mailboxexists "Archive" { fileinto :create "Archive"; }
            if ihave "nonexistent-extension" { nonexistent_command; }
            if ihave "regex-never" { discard; }
            """
        let context = SieveRunContext(environment: ["phase": "during"], mailboxExists: { $0 == "Archive" })
        #expect(
            try runScript(script, message: "\n", context: context).actions == [
                keepJSON, #"{"action":"fileinto","mailbox":"Archive","flags":[],"copy":false,"create":true}"#,
            ])
    }

    /// RFC 5228 §2.4.2.4 examples.
    @Test func encodedCharacter() throws {
        let script = #"require ["encoded-character", "reject"]; reject "${hex:40}${unicode:00e9}${hex: 4A 4b }${bogus:1}";"#
        #expect(try runScript(script, message: "\n").actions == [#"{"action":"reject","reason":"@éJK${bogus:1}"}"#])
        #expect(compileError(#"require ["encoded-character", "reject"]; reject "${unicode:D800}";"#) != nil)
    }
}

/// Action merging and flags.
@Suite struct SieveActionMergingTests {
    /// RFC 5228 §4.3: keep is fileinto the default mailbox, so fileinto "INBOX" after
    /// keep is the same action (§2.10.3), with the later flags (RFC 5232 §3).
    @Test func fileintoInboxMergesWithKeep() throws {
        let script = """
            require ["fileinto", "imap4flags"];
            keep;
            fileinto :flags "\\\\Seen" "inbox";
            fileinto "INBOX.backup";
            """
        let run = try runScript(script, message: "\n")
        #expect(
            run.actions == [
                #"{"action":"keep","flags":["\\Seen"]}"#,
                #"{"action":"fileinto","mailbox":"INBOX.backup","flags":[],"copy":false,"create":false}"#,
            ])
    }

    /// RFC 5232 §4: a hasflag key is itself a list of flags ("junk forward").
    @Test func hasflagKeysAreFlagLists() throws {
        let script = """
            require ["imap4flags", "variables"];
            set "MyVar" "NonJunk Junk gnus-forward $Forwarded";
            if hasflag :contains "MyVar" "junk forward" { discard; }
            """
        #expect(try runScript(script, message: "\n").actions == [discardJSON])
    }
}

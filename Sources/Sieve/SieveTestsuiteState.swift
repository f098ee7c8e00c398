/// What a test file's run keeps between commands: the script under test, its errors and
/// result, and a small mail world (mailboxes and sent messages) for executed results.
struct SieveTestsuiteState {
    let host: SieveTestsuiteHost
    var testsRun = 0
    var failures: [String] = []
    /// The reason of a `test_fail` while its test unwinds.
    var currentFailure: String?
    /// The script of the last successful `test_script_compile`.
    var compiled: SieveProgram?
    /// Error and warning messages of the last compile or run, for `test_error`.
    var errors: [String] = []
    /// The message as the last `test_script_run` left it, and its keep flags; the result's
    /// actions are the test file's own (`SieveInterpreter.actions`), as in Pigeonhole,
    /// where a test file's actions and a run script's go to one result.
    var resultMessage: SieveMessage?
    /// The internal flags the last `test_script_run` left, for its implicit keep.
    var resultFlags: [String]?
    /// A message an executed result stored, with the flags it was stored with.
    struct StoredMessage {
        var message: SieveMessage
        var flags: [String]
    }

    /// Messages stored by executed results, by mailbox; INBOX always exists.
    var mailboxes: [String: [StoredMessage]] = ["INBOX": []]
    /// Messages sent by executed results, in order.
    var outbox: [SieveMessage] = []
    /// Settings from `test_config_set`; kept, though few change this module's behaviour.
    var config: [String: String] = [:]

    init(host: SieveTestsuiteHost) {
        self.host = host
    }

    /// A sent message (without flags) or a stored one (with the flags it was stored with).
    func message(from source: SieveTestsuiteMessageSource, index: UInt64, expand: (SieveText) -> String) -> StoredMessage? {
        let list: [StoredMessage]
        switch source {
        case .smtp: list = outbox.map { StoredMessage(message: $0, flags: []) }
        case .folder(let name): list = mailboxes[Self.mailboxName(expand(name))] ?? []
        }
        return index < list.count ? list[Int(index)] : nil
    }

    /// The name Pigeonhole gives each action in a result; header edits are not actions there.
    static func actionName(_ action: SieveAction) -> String? {
        switch action {
        case .keep: "keep"
        case .fileinto: "store"
        case .redirect: "redirect"
        case .discard: "discard"
        case .reject(_, let extended): extended ? "ereject" : "reject"
        case .vacation: "vacation"
        case .addHeader, .deleteHeader: nil
        }
    }

    /// The name a mailbox is stored under: INBOX is not case-sensitive (RFC 3501 §5.1),
    /// and, as in Dovecot's store, neither is it as the first level of a hierarchy
    /// ("Inbox.Junk" is "INBOX.Junk").
    static func mailboxName(_ name: String) -> String {
        let prefix = name.prefix(5)
        guard prefix.lowercased() == "inbox" else { return name }
        let rest = name.dropFirst(5)
        return rest.isEmpty || rest.first == "." || rest.first == "/" ? "INBOX" + rest : name
    }

    /// Performs the result: keeps and fileintos store the message, redirects, vacation
    /// replies and rejections are "sent"; then the result is cleared.
    /// Stored messages keep the flags of their action; the implicit keep stores with
    /// `implicitKeepFlags` (RFC 5232 §3).
    mutating func executeResult(_ result: SieveActionList, original: SieveMessage, implicitKeepFlags: [String]) {
        let stored = resultMessage ?? original
        for action in result.actions {
            switch action {
            case .keep(let flags):
                mailboxes["INBOX", default: []].append(StoredMessage(message: stored, flags: flags))
            case .fileinto(let mailbox, let flags, _, _):
                mailboxes[Self.mailboxName(mailbox), default: []].append(StoredMessage(message: stored, flags: flags))
            case .redirect(let address, _):
                var sent = stored
                sent.envelopeTo = address
                outbox.append(sent)
            case .vacation(let vacation):
                outbox.append(Self.reply(to: original, vacation: vacation))
            case .reject(let reason, _):
                outbox.append(
                    Self.compose(
                        [
                            ("From", "Mail Delivery Subsystem <MAILER-DAEMON>"), ("To", original.envelopeFrom),
                            ("Subject", "Rejected message"),
                        ],
                        body: reason, envelopeFrom: "", envelopeTo: original.envelopeFrom))
            case .discard, .addHeader, .deleteHeader:
                break
            }
        }
        if result.implicitKeep { mailboxes["INBOX", default: []].append(StoredMessage(message: stored, flags: implicitKeepFlags)) }
        resultMessage = nil
        resultFlags = nil
    }

    /// A vacation response as RFC 5230 §5 describes it.
    static func reply(to original: SieveMessage, vacation: SieveVacation) -> SieveMessage {
        func field(_ name: String) -> String? {
            original.headerFields.first { $0.name.lowercased() == name }.map { SieveHeaderValue.unfold($0.value) }
        }
        var fields: [(String, String)] = [
            ("From", vacation.from ?? original.envelopeTo), ("To", original.envelopeFrom),
            ("Subject", vacation.subject ?? "Auto: \(field("subject") ?? "")"),
        ]
        if let messageID = field("message-id") {
            fields.append(("In-Reply-To", messageID))
            fields.append(("References", [field("references"), messageID].compactMap { $0 }.joined(separator: " ")))
        }
        fields.append(("Auto-Submitted", "auto-replied (vacation)"))
        return compose(fields, body: vacation.reason, envelopeFrom: "", envelopeTo: original.envelopeFrom)
    }

    static func compose(_ fields: [(String, String)], body: String, envelopeFrom: String, envelopeTo: String) -> SieveMessage {
        var text = ""
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        text += "\r\n" + body
        return SieveMessage(parsing: Array(text.utf8), envelopeFrom: envelopeFrom, envelopeTo: envelopeTo)
    }
}

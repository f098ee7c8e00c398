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
    /// Actions `test_result_execute` performed; as in Pigeonhole, the result keeps them
    /// until it is reset, so scripts run with `:append_result` later are merged with them.
    var executed: [SieveAction] = []
    /// Whether an executed part of the result cancelled the implicit keep.
    var keepCancelled = false
    /// Whether the implicit keep was stored already.
    var keepStored = false
    /// The envelope's original recipient (ORCPT): the recipient unless a test sets it.
    var originalRecipient: String?
    /// Messages the results sent so far, for their Message-IDs.
    var sentCount = 0

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

    /// The editheader limits the sieve_editheader_* settings ask for: space-separated
    /// field names (names that are not field names are ignored) and a size in bytes,
    /// optionally with a "k" or "M" unit.
    var headerEditPolicy: SieveHeaderEditPolicy {
        func names(_ key: String) -> Set<String> {
            let words = (config[key] ?? "").split { $0 == " " || $0 == "\t" }.map(String.init)
            return Set(words.filter(SieveHeaderEdit.isFieldName))
        }
        let protected = names("sieve_editheader_protected")
        var size: Int?
        if var text = config["sieve_editheader_max_header_size"]?.lowercased(), !text.isEmpty {
            var unit = 1
            if text.hasSuffix("k") || text.hasSuffix("m") {
                unit = text.hasSuffix("k") ? 1024 : 1024 * 1024
                text.removeLast()
            }
            size = Int(text.trimmingWhiteSpace()).map { $0 * unit }
        }
        return SieveHeaderEditPolicy(
            forbidAdd: protected.union(names("sieve_editheader_forbid_add")),
            forbidDelete: protected.union(names("sieve_editheader_forbid_delete")), maximumHeaderSize: size)
    }

    /// What a script compiled by the test may use: the testsuite's capabilities, under
    /// the configured editheader limits.
    var capabilities: SieveCapabilities {
        var capabilities = SieveTestsuite.capabilities
        capabilities.headerEditPolicy = headerEditPolicy
        return capabilities
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

    /// The host name the test world runs on, as Pigeonhole's test suite names it.
    static let hostname = "example.com"

    /// A fresh Message-ID for a message the result sends.
    mutating func nextMessageID() -> String {
        sentCount += 1
        return "<sieve-testsuite.\(sentCount)@\(Self.hostname)>"
    }

    /// The user's own address (`sieve_user_email`), when configured.
    var userEmail: String? {
        config["sieve_user_email"].flatMap { $0.trimmingWhiteSpace().isEmpty ? nil : $0.trimmingWhiteSpace() }
    }

    /// A yes/no setting.
    private func flag(_ name: String) -> Bool {
        ["yes", "true", "1", "on"].contains(config[name]?.trimmingWhiteSpace().lowercased() ?? "")
    }

    /// The vacation settings Pigeonhole's configuration gives.
    var vacationSettings: SieveVacationResponse.Settings {
        var settings = SieveVacationResponse.Settings()
        settings.useOriginalRecipient = flag("sieve_vacation_use_original_recipient")
        settings.checkRecipient = !flag("sieve_vacation_dont_check_recipient")
        settings.sendFromRecipient = flag("sieve_vacation_send_from_recipient")
        settings.toHeaderIgnoresEnvelope = flag("sieve_vacation_to_header_ignore_envelope")
        settings.defaultSubject = config["sieve_vacation_default_subject"]
        settings.subjectTemplate = config["sieve_vacation_default_subject_template"]
        if let limit = config["sieve_vacation_max_subject_codepoints"].flatMap({ Int($0.trimmingWhiteSpace()) }), limit > 0 {
            settings.maximumSubjectLength = limit
        }
        return settings
    }

    /// A redirected copy as an MTA would receive it, or `nil` when it would loop: the
    /// copy already passed through this user (an X-Sieve-Redirected-From naming the
    /// user's address or the recipient).
    /// The envelope sender follows `sieve_redirect_envelope_from`, but a null sender stays
    /// null (RFC 5228 §4.2).
    func redirected(_ message: SieveMessage, to address: String, original: SieveMessage) -> SieveMessage? {
        let recipient = SieveEnvelopePath.address(original.envelopeTo)
        let identities = Set([userEmail.flatMap { SieveEnvelopePath.address($0) }, recipient].compactMap { $0?.comparable })
        let marked = message.headerFields.filter { $0.name.lowercased() == "x-sieve-redirected-from" }
            .flatMap { SieveAddressList.parse(SieveHeaderValue.unfold($0.value)) }
        if marked.contains(where: { identities.contains($0.comparable) }) { return nil }

        var sender = original.envelopeFrom
        if !sender.isEmpty {
            let setting = (config["sieve_redirect_envelope_from"] ?? "").trimmingWhiteSpace()
            switch setting.lowercased() {
            case "recipient": sender = original.envelopeTo
            case "orig_recipient": sender = originalRecipient ?? original.envelopeTo
            case "user_email": sender = userEmail ?? original.envelopeTo
            case "postmaster": sender = config["postmaster_address"] ?? "postmaster@\(Self.hostname)"
            default:
                if setting.hasPrefix("<"), setting.hasSuffix(">") { sender = String(setting.dropFirst().dropLast()) }
            }
        }
        var copy = message
        copy.headerFields.removeAll { ["return-path", "x-sieve-redirected-from"].contains($0.name.lowercased()) }
        let marker = userEmail ?? recipient?.encoded
        if let marker { copy.headerFields.insert(SieveMessage.HeaderField(name: "X-Sieve-Redirected-From", value: " " + marker), at: 0) }
        copy.envelopeFrom = sender
        copy.envelopeTo = address
        return copy
    }
}

/// Executing results in the testsuite's small mail world.
extension SieveTestsuiteState {
    /// Forgets the result: what was executed of it and what its last run left.
    mutating func resetResult() {
        executed = []
        keepCancelled = false
        keepStored = false
        resultMessage = nil
        resultFlags = nil
    }

    /// Performs the pending part of the result; returns `false` when an action failed,
    /// with its error in `errors`. Actions that repeat executed ones are merged with them,
    /// not performed again. The implicit keep is stored once, with `implicitKeepFlags`
    /// (RFC 5232 §3), and also, unedited, when an action failed (RFC 5228 §2.10.6). Each action acts
    /// on the message as it stood when it was added (`history`).
    mutating func executeResult(
        _ result: SieveActionList, original: SieveMessage, history: [SieveMessageSnapshot], implicitKeepFlags: [String]
    ) -> Bool {
        errors = []
        let final = resultMessage ?? original
        var succeeded = true
        for (index, action) in result.actions.enumerated() where !absorbsRepeat(action) {
            let message = SieveMessageSnapshot.message(forAction: index, in: history, current: final)
            if let error = perform(action, message: message, original: original) {
                errors.append(error)
                succeeded = false
                break
            }
            if Self.actionName(action) != nil { executed.append(action) }
        }
        if !result.implicitKeep { keepCancelled = true }
        if !keepStored, !succeeded || !keepCancelled {
            // After a failure the message is kept as it came, without the script's edits.
            let kept = succeeded ? final : original
            mailboxes["INBOX", default: []].append(StoredMessage(message: kept, flags: implicitKeepFlags))
            keepStored = true
        }
        resultMessage = nil
        resultFlags = nil
        return succeeded
    }

    /// Whether `action` repeats an executed one: a store into the same mailbox (keep
    /// stores into INBOX; a keep turns the earlier store into a keep), a redirect to the
    /// same address, a second reject, vacation or discard.
    private mutating func absorbsRepeat(_ action: SieveAction) -> Bool {
        for (index, done) in executed.enumerated() {
            switch (action, done) {
            case (.keep, _) where Self.storedMailbox(done) == "INBOX":
                executed[index] = action
                return true
            case (.fileinto(let mailbox, _, _, _), _) where Self.storedMailbox(done) == Self.mailboxName(mailbox):
                return true
            case (.redirect(let address, _), .redirect(let other, _)) where address.lowercased() == other.lowercased():
                return true
            case (.reject, .reject), (.vacation, .vacation), (.discard, .discard):
                return true
            default:
                continue
            }
        }
        return false
    }

    /// The mailbox a keep or fileinto stores into.
    private static func storedMailbox(_ action: SieveAction) -> String? {
        switch action {
        case .keep: "INBOX"
        case .fileinto(let mailbox, _, _, _): mailboxName(mailbox)
        default: nil
        }
    }

    /// Performs one action: keeps and fileintos store the message, redirects, vacation
    /// responses and rejections are "sent" as their types compose them. Returns the error
    /// when it fails.
    mutating func perform(_ action: SieveAction, message: SieveMessage, original: SieveMessage) -> String? {
        switch action {
        case .keep(let flags):
            mailboxes["INBOX", default: []].append(StoredMessage(message: message, flags: flags))
        case .fileinto(let mailbox, let flags, _, let create):
            let name = Self.mailboxName(mailbox)
            guard Self.isValidMailboxName(name) else {
                return "failed to store into mailbox '\(mailbox)': Invalid mailbox name"
            }
            guard create || mailboxes[name] != nil else {
                return "failed to store into mailbox '\(mailbox)': Mailbox doesn't exist: \(mailbox)"
            }
            mailboxes[name, default: []].append(StoredMessage(message: message, flags: flags))
        case .redirect(let address, _):
            if let sent = redirected(message, to: address, original: original) { outbox.append(sent) }
        case .vacation(let vacation):
            let decision = SieveVacationResponse.decide(
                vacation, for: original, originalRecipient: originalRecipient, userAddress: userEmail,
                settings: vacationSettings, messageID: nextMessageID(), date: host.now)
            if case .send(let response) = decision {
                outbox.append(SieveMessage(parsing: response.octets, envelopeFrom: response.envelopeFrom, envelopeTo: response.envelopeTo))
            }
        case .reject(let reason, _):
            let notice = SieveRejectNotice.compose(
                reason: reason, for: original, originalRecipient: originalRecipient, reportingHost: Self.hostname,
                postmaster: config["postmaster_address"] ?? "postmaster@\(Self.hostname)", messageID: nextMessageID(),
                date: host.now)
            if let notice {
                outbox.append(SieveMessage(parsing: notice.octets, envelopeFrom: notice.envelopeFrom, envelopeTo: notice.envelopeTo))
            }
        case .discard, .addHeader, .deleteHeader:
            break
        }
        return nil
    }

    /// A name the store accepts: no empty level in its "/" hierarchy and no control
    /// characters (RFC 3501 §5.1: names are hierarchies; empty levels are not names).
    static func isValidMailboxName(_ name: String) -> Bool {
        !name.isEmpty && !name.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty }
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}

import Foundation
import MailMessage
import PopstoreCore
import PopstoreStore
import Sieve

/// Sieve at delivery: each account with an active script decides for its copy (keep,
/// discard, redirect, reject, vacation), after the routing checks and before the copy is
/// stored (DESIGN.md: recipients → checks → forwarding → Sieve → store → replies).
extension InboundDelivery {
    /// Octets of a message a script sees: the header and the start of the body of any
    /// normal mail; beyond it `body` tests see only this much (`size` sees the whole).
    /// Bounds the memory a delivery holds for filtering.
    static let sieveMessageLimit = 1 << 20

    /// Runs the active scripts of `accounts` on the message.
    func filter(_ accounts: [AccountID]) -> [AccountID: SieveFilter.Decision] {
        guard !filters.isEmpty else { return [:] }
        var decisions: [AccountID: SieveFilter.Decision] = [:]
        let now = store.clock.now()
        for account in accounts where decisions[account] == nil {
            guard let filter = filters[account] else { continue }
            var message = SieveMessage(
                parsing: retained, envelopeFrom: envelope.sender, envelopeTo: envelopeRecipient(of: account))
            message.size = size
            let context = SieveFilter.context(
                store: store, account: account, host: trace.host, now: now, subaddressSeparator: subaddressSeparator)
            decisions[account] = filter.decide(message, context: context)
        }
        return decisions
    }

    /// The RCPT address that brought the message to `account`.
    private func envelopeRecipient(of account: AccountID) -> String {
        recipients.first { $0.route.accounts.contains(account) }?.address ?? account.address
    }

    /// Whether a refusal by `account`'s script can be said in the protocol: some
    /// recipient reaches that account alone, without forwarding.
    private func rejectsInProtocol(_ account: AccountID) -> Bool {
        recipients.contains { $0.route.accounts == [account] && $0.route.forwardedBy.isEmpty && $0.route.relayed.isEmpty }
    }

    /// The reason a recipient is refused by its account's script, when it can be refused.
    func rejection(of recipient: Recipient, decisions: [AccountID: SieveFilter.Decision]) -> String? {
        guard recipient.route.accounts.count == 1, recipient.route.forwardedBy.isEmpty, recipient.route.relayed.isEmpty,
            let reason = decisions[recipient.route.accounts[0]]?.rejection?.reason
        else { return nil }
        return reason
    }

    /// Queues what the scripts asked to send (redirects, vacation replies, rejection
    /// notices), from the sealed stored copy. Returns the accounts whose redirect could
    /// not be queued: the MTA must try again for them.
    func performSieveActions(_ decisions: [AccountID: SieveFilter.Decision]) -> [AccountID: PopstoreError] {
        var failures: [AccountID: PopstoreError] = [:]
        let now = store.clock.now()
        for (account, decision) in decisions.sorted(by: { $0.key.address < $1.key.address }) {
            if !decision.redirects.isEmpty {
                do { try queueRedirect(to: decision.redirects, for: account, header: decision.editedHeader) } catch {
                    failures[account] = error
                }
            }
            if let vacation = decision.vacation { sendVacation(vacation, for: account, now: now) }
            if let rejection = decision.rejection, !rejectsInProtocol(account) {
                sendRejectionNotice(rejection.reason, for: account, now: now)
            }
        }
        return failures
    }

    /// A redirected copy: the original envelope sender, a Received line, and the message
    /// as stored without its Return-Path (RFC 5228 §4.2).
    /// With `header` (the script edited it, RFC 5293), the copy carries that header and the body.
    private func queueRedirect(to addresses: [String], for account: AccountID, header: [SieveMessage.HeaderField]?) throws(PopstoreError) {
        guard let transaction else { return }
        let submission = try store.outboundQueue.submit(
            sender: relaySender, origin: "Sieve redirect by \(account.address)", ret: envelope.ret, envelopeID: envelope.envelopeID)
        var fields = trace
        fields.id = submission.id
        fields.recipient = account.address
        do {
            try submission.appendDataForm(fields.forwardedBytes(forwardedBy: []))
            var from = traceLength
            if let header, let bodyOffset = transaction.bodyOffset {
                // Header lines never start with a dot: already in DATA form.
                try submission.appendDataForm(Array(header.map { "\($0.name):\($0.value)\r\n" }.joined().utf8) + [0x0D, 0x0A])
                from = bodyOffset
            }
            try transaction.readStoredForm(from: from) { (chunk) throws(PopstoreError) in try submission.appendDataForm(chunk) }
            _ = try submission.commit(
                to: addresses.map { QueuedMessage.Recipient(address: $0, originalRecipient: "rfc822;\(account.address)") })
        } catch {
            submission.abort()
            throw error
        }
    }

    /// A vacation response (RFC 5230, RFC 6131), at most once per sender per interval;
    /// never lost mail if it fails (it is only not sent). Whether to respond and the
    /// response itself are the Sieve module's (`SieveVacationResponse`: no response to the
    /// null sender, automatic or list mail, system addresses, the account's own addresses,
    /// or mail not addressed to the account); the memory of who had one is the store's.
    private func sendVacation(_ vacation: SieveVacation, for account: AccountID, now: Date) {
        let message = SieveMessage(parsing: retained, envelopeFrom: envelope.sender, envelopeTo: envelopeRecipient(of: account))
        let decision = SieveVacationResponse.decide(
            vacation, for: message, userAddress: account.address,
            messageID: "<\(UUID().uuidString.lowercased())@\(trace.host)>",
            date: SieveTimestamp(secondsSince1970: Int64(now.timeIntervalSince1970)))
        guard case .send(let response) = decision else { return }
        let key = "vacation:\(vacation.handle):\(envelope.sender.lowercased())"
        let due =
            (try? store.withSieveMemory(account) { (memory) -> Bool in
                guard !memory.remembers(key, at: now) else { return false }
                memory.remember(key, until: now.addingTimeInterval(Double(SieveVacationResponse.interval(of: vacation))))
                return true
            }) ?? false
        guard due else { return }
        _ = try? store.outboundQueue.enqueue(
            response.octets, sender: response.envelopeFrom, recipients: [QueuedMessage.Recipient(address: response.envelopeTo)],
            origin: "Sieve vacation reply of \(account.address)")
    }

    /// A script refused a copy the protocol cannot refuse (the account was one target of
    /// a forwarding): its sender is told by a delivery status notification instead.
    private func sendRejectionNotice(_ reason: String, for account: AccountID, now: Date) {
        guard !envelope.sender.isEmpty else { return }
        let seconds = Int64(now.timeIntervalSince1970)
        let token = UUID().uuidString.lowercased()
        let report = DeliveryStatusReport(
            reportingMTA: trace.host, postmaster: "MAILER-DAEMON@\(trace.host)", sender: envelope.sender,
            envelopeID: envelope.envelopeID, arrivalDate: Int64(envelope.arrival.timeIntervalSince1970),
            recipients: [
                .init(
                    finalRecipient: account.address, action: .failed, status: "5.7.1", diagnosticCode: "550 5.7.1 \(reason)",
                    lastAttemptDate: seconds)
            ], returnContent: .headers, original: retained, date: seconds, messageID: "<\(token)@\(trace.host)>",
            boundary: "=_popstore_\(token)")
        _ = try? store.outboundQueue.enqueue(
            report.render(), sender: "", recipients: [QueuedMessage.Recipient(address: envelope.sender)],
            origin: "Sieve rejection by \(account.address)")
    }

    /// Stores an account's own copy with the header its script edited (RFC 5293): the
    /// trace fields, the edited header, then the body read back from the shared copy.
    func storeEdited(for account: AccountID, decision: SieveFilter.Decision) -> DeliveryOutcome {
        guard let transaction, let bodyOffset = transaction.bodyOffset, let header = decision.editedHeader else {
            return .failed(.temporary("no message to copy"))
        }
        do {
            let copy = try store.beginDelivery(envelope: envelope, recipients: [account], maximumSize: .max)
            var fields = trace
            fields.id = copy.uid
            try copy.append(fields.bytes)
            try copy.append(Array(header.map { "\($0.name):\($0.value)\r\n" }.joined().utf8) + [0x0D, 0x0A])
            var atLineStart = true
            try transaction.readStoredForm(from: bodyOffset) { (chunk) throws(PopstoreError) in
                // Undo the dot-stuffing of the stored form; the copy stuffs again as it stores.
                var raw: [UInt8] = []
                raw.reserveCapacity(chunk.count)
                for byte in chunk {
                    if atLineStart && byte == UInt8(ascii: ".") {
                        atLineStart = false
                        continue
                    }
                    raw.append(byte)
                    atLineStart = byte == 0x0A
                }
                try copy.append(raw)
            }
            return try copy.commit(to: [account], retrieved: decision.seen ? [account] : []).first ?? .failed(.temporary("not stored"))
        } catch {
            return .failed(error)
        }
    }

    /// After the replies are known: errors recorded for the user and admin, duplicate ids remembered.
    func recordSieveOutcomes(_ decisions: [AccountID: SieveFilter.Decision], stored: [AccountID: DeliveryOutcome]) {
        let now = store.clock.now()
        for (account, decision) in decisions {
            if let error = decision.error, let filter = filters[account] {
                SieveFilter.recordError(error, script: filter.scriptName, store: store, account: account, now: now)
            }
            if case .stored = stored[account] {
                SieveFilter.recordDuplicates(decision.duplicateChecks, store: store, account: account, now: now)
            }
        }
    }
}

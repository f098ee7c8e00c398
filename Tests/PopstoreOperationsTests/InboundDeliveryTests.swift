import Foundation
import MailMessage
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import Testing

/// InboundDelivery: the copies an arriving message leaves in maildrops and in the
/// outbound queue, and the Delivered-To loop guard.
struct InboundDeliveryTests {
    private let message = Array("From: a@sender.test\r\nSubject: hello\r\n\r\n.dot line\r\nbody\r\n".utf8)

    private func deliver(
        _ raw: [UInt8], from sender: String = "a@sender.test", to addresses: [String], in org: TemporaryStore
    ) throws -> [InboundDelivery.Outcome] {
        let routing = MailRouting(store: org.store)
        var recipients: [InboundDelivery.Recipient] = []
        for address in addresses {
            guard case .deliver(let route) = routing.route(address) else {
                Issue.record("\(address) is not routed")
                return []
            }
            recipients.append(InboundDelivery.Recipient(address: address, route: route))
        }
        let envelope = MessageEnvelope(
            sender: sender, recipients: addresses.map { .init(address: $0) }, arrival: Date(timeIntervalSince1970: 1_800_000_000))
        let trace = TraceFields(
            sender: sender, heloName: "mta.test", clientAddress: "127.0.0.1", host: "store.test", protocolName: "LMTP", id: "",
            recipient: addresses.count == 1 ? addresses[0] : nil, time: 1_800_000_000)
        let delivery = try InboundDelivery(store: org.store, envelope: envelope, recipients: recipients, trace: trace)
        // In two pieces, split inside the header, as a network would.
        try delivery.append(Array(raw.prefix(10)))
        try delivery.append(Array(raw.dropFirst(10)))
        return delivery.commit()
    }

    private func queued(_ org: TemporaryStore) throws -> [(message: QueuedMessage, data: String)] {
        try org.store.outboundQueue.messages().map { message in
            let path = try org.store.outboundQueue.messagePath(message.id)
            return (message, String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
        }
    }

    @Test func anOutsideTargetIsQueuedWithDeliveredToAndNoReturnPath() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["bob@elsewhere.net"], override: false)
        let outcomes = try deliver(message, to: ["team@example.com"], in: org)
        let queue = try queued(org)
        #expect(queue.count == 1)
        guard let (record, data) = queue.first else { return }
        #expect(outcomes == [.accepted(id: record.id)])
        #expect(record.sender == "a@sender.test")
        #expect(record.recipients == [QueuedMessage.Recipient(address: "bob@elsewhere.net", originalRecipient: "rfc822;team@example.com")])
        #expect(record.origin == "forwarding of team@example.com")
        #expect(
            data.hasPrefix(
                "Delivered-To: team@example.com\r\nReceived: from mta.test ([127.0.0.1])\r\n\tby store.test (Popstore) with LMTP id \(record.id)"
            ))
        #expect(!data.contains("Return-Path"))
        // DATA form: dot-stuffed, CRLF, no terminator.
        #expect(data.hasSuffix("\r\nFrom: a@sender.test\r\nSubject: hello\r\n\r\n..dot line\r\nbody\r\n"))
        #expect(record.size == data.utf8.count)
        #expect(!record.eightBit)
    }

    @Test func anAccountTargetIsStoredAndAnOutsideOneQueuedFromOneDelivery() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["eastrep@example.com", "bob@elsewhere.net"], override: false)
        let outcomes = try deliver(message, to: ["team@example.com", "westrep@example.com"], in: org)
        let stored = try org.administrator.messages(of: "eastrep")
        #expect(stored.count == 1)
        #expect(outcomes == [.accepted(id: stored[0].uid), .accepted(id: stored[0].uid)])
        #expect(try org.administrator.messages(of: "westrep").map(\.uid) == [stored[0].uid])
        #expect(try queued(org).map(\.message.recipients.count) == [1])
        // The stored copy has the final delivery's Return-Path, not the forward's Delivered-To.
        let content = String(decoding: try org.administrator.messageContent(of: "eastrep", uid: stored[0].uid), as: UTF8.self)
        #expect(content.hasPrefix("Return-Path: <a@sender.test>\r\n"))
        #expect(!content.contains("Delivered-To"))
    }

    @Test func mailThatAlreadyPassedAForwardingIsRefusedAsALoop() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["bob@elsewhere.net"], override: false)
        let returned = Array("Delivered-To: Team@Example.com\r\n".utf8) + message
        let outcomes = try deliver(returned, to: ["team@example.com", "eastrep@example.com"], in: org)
        #expect(outcomes.first == .refused(.loop))
        guard case .accepted = outcomes.last else {
            Issue.record("eastrep, not forwarded, should still get it: \(outcomes)")
            return
        }
        #expect(try queued(org).isEmpty)
        #expect(try org.administrator.messages(of: "eastrep").count == 1)
    }

    @Test func aDeliveredToOfAnotherAddressIsNoLoop() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["bob@elsewhere.net"], override: false)
        let passed = Array("Delivered-To: someone@else.test\r\n".utf8) + message
        let outcomes = try deliver(passed, to: ["team@example.com"], in: org)
        #expect(try queued(org).count == 1)
        #expect(outcomes.count == 1)
        if case .accepted = outcomes[0] {} else { Issue.record("expected accepted, got \(outcomes)") }
    }

    @Test func nullSenderIsKeptOnTheForwardedCopy() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["bob@elsewhere.net"], override: false)
        _ = try deliver(message, from: "", to: ["team@example.com"], in: org)
        #expect(try queued(org).map(\.message.sender) == [""])
    }

    @Test func abortLeavesNothingInTheQueue() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("team", to: ["bob@elsewhere.net"], override: false)
        guard case .deliver(let route) = MailRouting(store: org.store).route("team@example.com") else { return }
        let delivery = try InboundDelivery(
            store: org.store, envelope: MessageEnvelope(sender: "", recipients: [], arrival: Date()),
            recipients: [.init(address: "team@example.com", route: route)],
            trace: TraceFields(
                sender: "", heloName: nil, clientAddress: nil, host: "h", protocolName: "LMTP", id: "", recipient: nil, time: 0))
        try delivery.append(message)
        delivery.abort()
        #expect(try org.store.outboundQueue.messages().isEmpty)
        #expect(org.files(under: "\(org.root)/queue").isEmpty)
    }
}

/// Sieve at delivery, in process.
struct InboundDeliverySieveTests {
    @Test func aRedirectIsQueuedWithoutReturnPath() throws {
        let org = try Organisation.make()
        try org.administrator.putSieveScript(of: "eastrep", named: "r", source: "redirect \"x@elsewhere.net\";", activate: true)
        guard case .deliver(let route) = MailRouting(store: org.store).route("eastrep@example.com") else { return }
        let delivery = try InboundDelivery(
            store: org.store, envelope: MessageEnvelope(sender: "a@b.test", recipients: [], arrival: Date()),
            recipients: [.init(address: "eastrep@example.com", route: route)],
            trace: TraceFields(
                sender: "a@b.test", heloName: nil, clientAddress: nil, host: "h", protocolName: "LMTP", id: "", recipient: nil, time: 0))
        try delivery.append(Array("Subject: s\r\n\r\nbody\r\n".utf8))
        let outcomes = delivery.commit()
        #expect(outcomes.count == 1)
        if case .accepted = outcomes[0] {} else { Issue.record("outcome: \(outcomes)") }
        let queued = try org.store.outboundQueue.messages()
        #expect(queued.map(\.recipients.first?.address) == ["x@elsewhere.net"])
        #expect(try org.administrator.messages(of: "eastrep").isEmpty)
    }

    /// Sieve's `:detail` splits the recipient as routing does, with the configured separator
    /// (RFC 5233): with "-" the detail is "lists" and the script discards; with "+" the
    /// address has no detail and the message is kept.
    @Test(arguments: [(Character("-"), true), (Character("+"), false)])
    func sieveUsesTheConfiguredSubaddressSeparator(separator: Character, discarded: Bool) throws {
        let org = try Organisation.make()
        try org.administrator.putSieveScript(
            of: "eastrep", named: "d", source: "require [\"envelope\", \"subaddress\"];\nif envelope :detail \"to\" \"lists\" { discard; }",
            activate: true)
        let routing = MailRouting(store: org.store, subaddressSeparator: separator)
        let address = "eastrep-lists@example.com"
        guard case .deliver(let route) = routing.route(separator == "-" ? address : "eastrep@example.com") else {
            Issue.record("not routed")
            return
        }
        let delivery = try InboundDelivery(
            store: org.store, envelope: MessageEnvelope(sender: "a@b.test", recipients: [], arrival: Date()),
            recipients: [.init(address: address, route: route)],
            trace: TraceFields(
                sender: "a@b.test", heloName: nil, clientAddress: nil, host: "h", protocolName: "LMTP", id: "", recipient: nil, time: 0),
            subaddressSeparator: separator)
        try delivery.append(Array("Subject: s\r\n\r\nbody\r\n".utf8))
        let outcomes = delivery.commit()
        if case .accepted = outcomes.first {} else { Issue.record("outcome: \(outcomes)") }
        #expect(try org.administrator.messages(of: "eastrep").isEmpty == discarded)
    }
}

import ArgumentParser
import Foundation
import MailMessage
import PopstoreCore
import PopstoreOperations
import PopstoreServer
import PopstoreStore

#if canImport(Glibc)
    import Glibc
#endif

/// `popstore deliver`: the delivery of LMTP for an MTA that pipes (Postfix's `pipe`,
/// sendmail's `prog` mailer). It answers in sysexits (sysexits.h), which MTAs turn into
/// DSN codes: 0 delivered, 65 data error, 67 no such user, 68 domain not served here,
/// 73 mailbox unavailable (DISMAIL, over quota), 75 try again later.
struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Store a message from standard input for its recipients (for MTAs that pipe); exits with sysexits codes.",
        discussion: """
            With several recipients the status is the first failure's (75 first), so give one recipient per call \
            (Postfix: `popstore_destination_recipient_limit = 1`) to keep the MTA from sending a message again to \
            recipients who already have it.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: [.customShort("f"), .customLong("from")], help: "The envelope sender (empty for the null sender).")
    var sender: String = ""

    @Option(help: "A configuration file: its [lmtp] and [delivery] settings apply (size limit, subaddress separator).")
    var config: String?

    @Argument(help: "The recipients' addresses.")
    var recipients: [String]

    static let exOK: Int32 = 0
    static let exDataErr: Int32 = 65
    static let exUnavailable: Int32 = 69
    static let exNoPerm: Int32 = 77
    static let exNoUser: Int32 = 67
    static let exNoHost: Int32 = 68
    static let exCantCreat: Int32 = 73
    static let exTempFail: Int32 = 75

    func run() throws {
        guard !recipients.isEmpty else { throw ValidationError("give at least one recipient") }
        var server = ServerConfiguration()
        if let config { server = try ConfigCommand.load(config).server }
        let store: Store
        let routing: MailRouting
        do {
            store = try storeOptions.open()
            routing = try server.routing(store: store)
        } catch {
            Terminal.error("\((error as? PopstoreError)?.message ?? "\(error)")")
            throw ExitCode(Self.exTempFail)  // the MTA keeps the message
        }
        let delivery = LocalDelivery(routing: routing, maximumSize: server.maximumMessageSize)
        let envelope = MessageEnvelope(sender: sender, recipients: recipients.map { .init(address: $0) }, arrival: Date())
        let host = InitCommand.hostDomain()
        let single = recipients.count == 1 ? recipients[0] : nil
        let input = FileHandle.standardInput
        let results = delivery.deliver(
            envelope: envelope, recipients: recipients,
            trace: TraceFields(
                sender: sender, heloName: nil, clientAddress: nil, host: host, protocolName: "local", id: "", recipient: single,
                time: Int64(envelope.arrival.timeIntervalSince1970)),
            read: {
                let data = try input.read(upToCount: 1 << 16) ?? Data()
                return data.isEmpty ? nil : Array(data)
            })
        var status = Self.exOK
        for (recipient, result) in zip(recipients, results) {
            let (code, text) = Self.status(result, overQuotaIsTemporary: server.overQuotaIsTemporary)
            let shown = String(recipient.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
            Terminal.print("\(shown): \(text)")
            // The first failure decides, except that a temporary one always wins: the MTA must retry.
            if status != Self.exTempFail && code != Self.exOK && (status == Self.exOK || code == Self.exTempFail) { status = code }
        }
        if status != Self.exOK { throw ExitCode(status) }
    }

    static func status(_ result: LocalDelivery.Result, overQuotaIsTemporary: Bool) -> (Int32, String) {
        switch result {
        case .stored(let uid): return (exOK, "delivered, id \(uid)")
        case .refused(.unknown), .refused(.deliver): return (exNoUser, "no such user here")
        case .refused(.foreignDomain): return (exNoHost, "this domain is not served here")
        case .refused(.disabled): return (exCantCreat, "mailbox disabled, not accepting messages")
        case .refused(.overQuota): return (overQuotaIsTemporary ? exTempFail : exCantCreat, "mailbox full")
        case .refused(.loop): return (exUnavailable, "mail forwarding loop")
        case .refused(.temporary): return (exTempFail, "temporary failure; try again later")
        case .tooLarge: return (exDataErr, "message too big for this system")
        case .rejected(let reason):
            return (exNoPerm, "rejected: \(String(reason.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) }))")
        case .failed(let error): return (exTempFail, "temporary failure: \(error.message)")
        }
    }
}

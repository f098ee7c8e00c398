import PopstoreCore
import PopstoreOperations
import Socketmap

/// The lookup tables Postfix asks over socketmap, answered from the same routing rule as
/// LMTP's RCPT, so Postfix refuses at RCPT exactly what Popstore would refuse later.
///
/// - `mailbox` (for `virtual_mailbox_maps`): `OK <account>` for an address Popstore
///   delivers (a forwarding's first account, or the address itself when it only
///   forwards), `NOTFOUND ` for anything else (Postfix then refuses it: 550 5.1.1).
/// - `access` (for `check_recipient_access`): `REJECT 5.2.1 …` for DISMAIL,
///   `REJECT 5.2.2 …` for over quota (or `DEFER 4.2.2 …` where over quota is
///   temporary), `REJECT 5.4.6 …` for a forwarding loop, `DUNNO` otherwise.
///
/// Postfix also asks for partial keys (`@domain`, `domain`, `user@`); they name no
/// recipient, so the answer is NOTFOUND.
struct RecipientMaps: Sendable {
    let routing: MailRouting
    let overQuotaIsTemporary: Bool

    func answer(_ request: SocketmapRequest) -> SocketmapReply {
        switch request.map {
        case "mailbox":
            guard isAddress(request.key) else { return .notFound }
            switch routing.route(request.key) {
            case .deliver(let route): return .ok(route.accounts.first?.address ?? request.key.lowercased())
            case .disabled, .overQuota, .loop: return .ok(request.key.lowercased())  // it exists; `access` refuses it
            case .temporary: return .temporary("store lookup failed")
            case .unknown, .foreignDomain: return .notFound
            }
        case "access":
            guard isAddress(request.key) else { return .notFound }
            switch routing.route(request.key) {
            case .disabled: return .ok("REJECT 5.2.1 Mailbox disabled, not accepting messages")
            case .overQuota: return .ok(overQuotaIsTemporary ? "DEFER 4.2.2 Mailbox full" : "REJECT 5.2.2 Mailbox full")
            case .loop: return .ok("REJECT 5.4.6 Mail forwarding loop")
            case .temporary: return .temporary("store lookup failed")
            case .deliver, .unknown, .foreignDomain: return .ok("DUNNO")
            }
        default:
            return .permanent("no map named \(request.map.prefix(64)); this server has mailbox and access")
        }
    }

    private func isAddress(_ key: String) -> Bool {
        guard let at = key.lastIndex(of: "@") else { return false }
        return at != key.startIndex && key.index(after: at) != key.endIndex
    }
}

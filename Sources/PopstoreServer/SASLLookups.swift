import ManageSieve
import POP3
import PopstoreOperations
import SASL

/// A session state machine that authenticates with the SASL module's mechanisms: it asks
/// for lookups (`SASLAction`) and takes their answers as these events. POP3 and
/// ManageSieve both do.
protocol SASLAuthenticatingMachine {
    associatedtype Action
    mutating func saslPasswordVerified(_ ok: Bool) -> Action
    mutating func saslLegacySecretFound(_ secret: String?) -> Action
    mutating func saslScramCredentialsFound(_ credentials: ScramCredentials?, canonicalUsername: String?) -> Action
}

extension POP3SessionStateMachine: SASLAuthenticatingMachine {}
extension ManageSieveSessionStateMachine: SASLAuthenticatingMachine {}

/// The answer to one SASL lookup, found on the thread pool, the same way for every
/// protocol: the one place the account store is asked during a SASL exchange.
enum SASLLookupAnswer: Sendable {
    case password(user: String, verified: Bool)
    case legacySecret(String?)
    case scram(ScramCredentials?, canonicalName: String?)
    /// A lookup this server does not serve: the exchange fails like a wrong password.
    case unsupported

    /// Finds the answer (blocking: a password check costs an scrypt hash).
    static func find(_ lookup: SASLAction, access: MailboxAccess) -> SASLLookupAnswer {
        switch lookup {
        case .verifyPassword(let name, _, let password):
            return .password(user: name, verified: access.verifyPassword(user: name, password: password) != nil)
        case .lookupLegacySecret(let name):
            return .legacySecret(access.legacySecret(user: name))
        case .lookupScramCredentials(let name, _):
            let found = access.scramCredentials(user: name)
            return .scram(found.0, canonicalName: found.canonicalName)
        default:
            return .unsupported
        }
    }

    /// The user a lookup is about, for the session's log.
    static func user(of lookup: SASLAction) -> String? {
        switch lookup {
        case .verifyPassword(let name, _, _), .lookupLegacySecret(let name), .lookupScramCredentials(let name, _): name
        default: nil
        }
    }

    /// A wrong password, which the driver answers only after the throttle's delay.
    var failedUser: String? {
        if case .password(let user, false) = self { user } else { nil }
    }

    /// Feeds the answer to the state machine.
    func apply<Machine: SASLAuthenticatingMachine>(to machine: inout Machine) -> Machine.Action {
        switch self {
        case .password(_, let verified): machine.saslPasswordVerified(verified)
        case .legacySecret(let secret): machine.saslLegacySecretFound(secret)
        case .scram(let credentials, let name): machine.saslScramCredentialsFound(credentials, canonicalUsername: name)
        case .unsupported: machine.saslPasswordVerified(false)
        }
    }
}

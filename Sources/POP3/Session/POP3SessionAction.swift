import SASL

/// What the driver must do after an event; the state machine itself does no I/O.
public enum POP3SessionAction: Sendable, Equatable {
    /// Write a response.
    case send(POP3Response)
    /// Write a response, then close the connection.
    case sendAndClose(POP3Response)
    /// Write `+OK`, discard any bytes the client pipelined after STLS (RFC 2595 §2.2),
    /// then start the TLS handshake; call `tlsEstablished()` when it completes.
    case startTLS(POP3Response)
    /// Check a password (USER/PASS, PLAIN, LOGIN); answer with `loginSucceeded` or `loginFailed`.
    case verifyPassword(user: String, password: String)
    /// Check an APOP digest against the account's sealed secret.
    case verifyAPOP(user: String, digest: String)
    /// Perform a SASL lookup (`lookupLegacySecret`, `lookupScramCredentials`) and answer
    /// the matching `sasl…Found` event.
    case saslLookup(SASLAction)
    /// The SASL exchange authenticated this user: lock and open the maildrop, then answer
    /// with `loginSucceeded` or `loginFailed` (the reply is sent then).
    case openMaildrop(user: String)
    /// Send message `number` (1-based): `+OK`, the stored bytes (or for TOP the header
    /// and `bodyLines` lines of body), then ".\r\n".
    case sendMessage(number: Int, uid: String, bodyLines: Int?)
    /// UPDATE state (RFC 1939 §6): remove `deleted` and mark `retrieved`, release the
    /// maildrop; answer with `updateFinished`.
    case commitUpdate(deleted: [String], retrieved: [String])
    /// Nothing to do.
    case none
}

/// Why a login failed, as the driver found it.
public enum POP3LoginFailure: Sendable, Equatable {
    /// Wrong credentials, unknown account, DISUSER: one answer for all (RFC 3206 [AUTH]).
    case badCredentials
    /// Another session holds the maildrop (RFC 2449 [IN-USE]).
    case inUse
    /// Logged in sooner than the account's LOGIN-DELAY allows (RFC 2449 [LOGIN-DELAY]).
    case loginDelay
    /// A server-side problem (RFC 3206 [SYS/TEMP]).
    case temporary
}

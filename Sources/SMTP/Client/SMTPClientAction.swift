/// What the driver must do next. The state machine returns these from each event, in the
/// order they are to be done.
public enum SMTPClientAction: Sendable, Equatable {
    /// Write the command. Consecutive sends may be written together and flushed once;
    /// that is how a PIPELINING batch goes out (RFC 2920 §3.1).
    case send(SMTPClientCommand)
    /// Throw away every byte read so far (``SMTPReplyParser/reset()`` too), start the TLS
    /// handshake, and call ``SMTPClientStateMachine/tlsEstablished()`` when it completes;
    /// close the connection if it fails (RFC 3207 §4.2).
    case startTLS
    /// Stream the message in DATA form (``SMTPDotStuffer``), terminator included, then call
    /// ``SMTPClientStateMachine/dataSent()``.
    case sendMessageBody
    /// Report the outcome. Comes once per session; the session may still send QUIT after.
    case finished(SMTPDeliveryResult)
    /// Close the connection; nothing more will be sent.
    case close
}

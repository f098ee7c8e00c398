/// What the driver of an LMTP session does next.
public enum LMTPSessionAction<Route: Sendable>: Sendable {
    /// Send these replies (in order); then close the connection when `close`.
    case send([SMTPReply], close: Bool)
    /// Decide where mail for this recipient goes (or refuse it), then call
    /// ``LMTPSessionStateMachine/recipientChecked(_:)``. Nothing else is read meanwhile.
    case checkRecipient(address: String, declaredSize: Int?)
    /// Open a message for the transaction, send the 354 reply, and read the message with
    /// ``SMTPDataDecoder``; then call ``LMTPSessionStateMachine/messageReceived(failure:)``.
    case receiveMessage(LMTPTransaction<Route>, reply: SMTPReply)
    /// Read exactly `size` octets as the next BDAT chunk of the message (opening it first
    /// when `transaction` is given), then call ``LMTPSessionStateMachine/chunkReceived(failure:)``.
    case receiveChunk(size: Int, last: Bool, opening: LMTPTransaction<Route>?)
    /// Read and throw away `size` octets of a BDAT chunk that cannot be taken, then send `reply`.
    case skipChunk(size: Int, reply: SMTPReply)
    /// The whole message is in: make it durable for each recipient, then call
    /// ``LMTPSessionStateMachine/delivered(_:)`` with one reply per recipient, in order.
    case deliver(LMTPTransaction<Route>)
    /// Drop the message being received (RSET, QUIT or a failed chunk; nothing of it was
    /// acknowledged), then send these replies, and close when `close`.
    case abandonMessage(replies: [SMTPReply], close: Bool)
}

/// The server's answer to a RCPT.
public enum LMTPRecipientVerdict<Route: Sendable>: Sendable {
    case accept(Route)
    case refuse(SMTPReply)
}

import SMTP

/// Shorthands for the state machine tests.
enum ClientFixture {
    static let credentials = SMTPClientConfiguration.Credentials(user: "tim", password: "tanstaaftanstaaf")

    static func configuration(
        heloName: String = "bar.com",
        requireTLS: Bool = false,
        isImplicitTLS: Bool = false,
        credentials: SMTPClientConfiguration.Credentials? = nil,
        allowPlaintextAuth: Bool = false
    ) throws -> SMTPClientConfiguration {
        try SMTPClientConfiguration(
            heloName: heloName, requireTLS: requireTLS, isImplicitTLS: isImplicitTLS, credentials: credentials,
            allowPlaintextAuth: allowPlaintextAuth)
    }

    static func envelope(_ sender: String = "Smith@bar.com", _ recipients: String...) throws -> SMTPClientEnvelope {
        try SMTPClientEnvelope(sender: sender, recipients: recipients.map { try SMTPClientRecipient($0) })
    }

    static func delivered(_ address: String, _ reply: SMTPReply) -> SMTPDeliveryResult.Recipient {
        .init(address: address, status: .delivered(reply))
    }

    static func failed(_ address: String, _ failure: SMTPDeliveryResult.Failure) -> SMTPDeliveryResult.Recipient {
        .init(address: address, status: .failed(failure))
    }

    /// A recipient refused at RCPT with `reply`.
    static func refused(_ address: String, _ reply: SMTPReply) -> SMTPDeliveryResult.Recipient {
        failed(address, .init(.recipientRefused, reply: reply))
    }
}

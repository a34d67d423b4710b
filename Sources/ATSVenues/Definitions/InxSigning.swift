import ATSDomain

/// INX's request signing, shared by the INX adapter (which signs) and the INX mock (which checks).
///
/// INX publishes that every request is signed with the client's RSA key over a nonce, a
/// timestamp, the API key id and the request. The exact string and padding are this project's
/// reading of that (an assumption, see `docs/venues.md`): the lines
///
///     <timestamp ms>\n<nonce>\n<key id>\n<METHOD>\n<path with query>\n<body>
///
/// signed with RSA-PSS over SHA-256, sent base64 in `INX-SIGNATURE` beside `INX-API-KEY`,
/// `INX-NONCE` and `INX-TIMESTAMP`. A timestamp more than ``freshnessMilliseconds`` from the
/// venue's clock, or a nonce the key already used within that window, is refused.
public enum InxSigning {
    public static let keyHeader = "INX-API-KEY"
    public static let nonceHeader = "INX-NONCE"
    public static let timestampHeader = "INX-TIMESTAMP"
    public static let signatureHeader = "INX-SIGNATURE"
    /// How far a request's timestamp may be from the venue's wall clock.
    public static let freshnessMilliseconds: Int64 = 30_000

    /// The bytes a request's signature covers.
    public static func message(
        timestampMilliseconds: Int64, nonce: String, keyID: String, method: String, pathAndQuery: String,
        body: [UInt8]
    ) -> [UInt8] {
        Array("\(timestampMilliseconds)\n\(nonce)\n\(keyID)\n\(method.uppercased())\n\(pathAndQuery)\n".utf8) + body
    }

    /// The embedded INX mock's demo key pair (2048-bit RSA, PEM). Demo only: the mock registers
    /// the public key for key id `inx-demo`, and the router signs with the private key when no
    /// secret is configured for INX. A real deployment's key comes from the secrets store.
    public static let demoPrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCaWaNPnmj609O2
        R0UCjRrP/ZZejzRTt17arT5pkCQxiJVfI1dPYFy7LW7tiMtJ5bRfuaeeERfDTcjd
        qc8Uw2nRBtaar0d+oAbuf4f6Jt12CsXV1b+Qypydt2YRCA/is3f9ZHWV0s51Rq5L
        2kDUknJew3IdxmdgC5nEizjQpaxwvXr6W2OVmz4fWRhI4ox51GIV3fqqLz4vxb0e
        dFveXJgz+yA/NqyolBUgi5bJ992dxjMxRu8AGAG0p2zpR/2qdJwTpZTNiDApXy+q
        MKUhs11qEr/xN6yew+YQ2vQw1kiTycpRg5e2LKmDQSQfHNBwqJSNQ/qS+ca5X+po
        7PYBWSX1AgMBAAECggEAJc9LeBd/8+Gr/PzcZNGX/ddK3IML+G306HCD12wd0Zx5
        qsKHgsRCMv/gKoPV+JYyZzidXNUnEwqc59/PAHEWHMQmEeJaCyS8TfQjpR2cJmxh
        Jg6kTJ21W9UvRYDKE2iPPh07yKXJOWVFEQO32dq99YS/EZgmfpqY4lKQalwLL9p5
        HlP+/1dNF7mYT80SS4KDzHeodY+FT2OPsbr/vD5uI5upMrTMq0l4R7vv5eeOhwBC
        2cfeNsCJMvHsBNVVWFMcJA3I3OFKSFHPuOXpjXbUrTI7oKs1fQSwUrish3N4W5ZC
        pR6g4C8PxOvVWCmuzRSJYwIxy/Nst/QWFs5oeSvsAQKBgQDRabRmN1xO81xY3nc0
        NFhSr3pc6Km/QvfQLuWDjk1bXtGqX1q1UGkgwfCipNcSEbipj+wd+5UbmjXI/DR/
        +QEfqvrlxLj+jjozpiytMnKZyDVCS0zOiJHgwhU1FnoBfCYZwxVEZ8Y0G7hRfdnR
        xmyO6VmcSxv4wAaggvQi/sPZdQKBgQC8sAxrDnpwQXjGyt8k+q8hf8i7baUWVeA2
        58wOED2B4QdzSQpQ1T9XN3hK5RCmky8nj4P1LHXjNZkr5y+2f7lCUHYsna4y0vyL
        VCKLzCpPSdwTDKlLWKgARzKz6CFHpki6nMMglZ3rkN+Q1gb1Ppu5O8MAEYCau5/N
        UAGTAkIKgQKBgQDN6fzDTchssYuqrwXTxWzb0USmuvi+4uC+Sn7QP0r9f1z3BFAz
        XWAiH9G4fBIm6FoGEUkBqnJR8+7TNHuDIpviQcP3ztqBI+VDCDGCFMrvQBhumZBq
        vYuD0BP+YZ2SfDsSterhmpEgh+lT6EYYqd3xIK9GqexVSqy5hEr/Zje6SQKBgCuj
        d6vG1HBj4//t6X/O7nQL7qvSZuzsfYeVQm86OE9ycNur19PsDdMpBAwmQByWS8CV
        g4pPdxBOVBeAR1uo3HrGyx30ddZRT5EVq0uzs1FVHq3VLs47Odeen85V8GR2w7lN
        Ch/eGoDhp6MCrOdJTJChjq7UXW7r18CPMV4DlqyBAoGASaAh3tbfqFodvG6k3sgL
        I2GcTYMm4hJ1ANEWBSvqpQj9LD/MYat5JoifAI9xYbzd2FpTtchHjzqglllJyN5w
        gCQHeISxCIDwsHB+zlJP3JNct8AsbC+balMAr25WvaNfIU7+4i50kEhbUwg2Wd7j
        aCyyjJp90YpsDvFHuyiKeSc=
        -----END PRIVATE KEY-----
        """
    public static let demoPublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmlmjT55o+tPTtkdFAo0a
        z/2WXo80U7de2q0+aZAkMYiVXyNXT2Bcuy1u7YjLSeW0X7mnnhEXw03I3anPFMNp
        0QbWmq9HfqAG7n+H+ibddgrF1dW/kMqcnbdmEQgP4rN3/WR1ldLOdUauS9pA1JJy
        XsNyHcZnYAuZxIs40KWscL16+ltjlZs+H1kYSOKMedRiFd36qi8+L8W9HnRb3lyY
        M/sgPzasqJQVIIuWyffdncYzMUbvABgBtKds6Uf9qnScE6WUzYgwKV8vqjClIbNd
        ahK/8TesnsPmENr0MNZIk8nKUYOXtiypg0EkHxzQcKiUjUP6kvnGuV/qaOz2AVkl
        9QIDAQAB
        -----END PUBLIC KEY-----
        """
}

/// The FIX 4.4 tags this engine and the gateway read or write (`docs/fix.md` lists them).
public enum FIXTag {
    public static let account = 1
    public static let avgPx = 6
    public static let beginSeqNo = 7
    public static let beginString = 8
    public static let bodyLength = 9
    public static let checkSum = 10
    public static let clOrdID = 11
    public static let cumQty = 14
    public static let endSeqNo = 16
    public static let execID = 17
    public static let lastMkt = 30
    public static let lastPx = 31
    public static let lastQty = 32
    public static let msgSeqNum = 34
    public static let msgType = 35
    public static let newSeqNo = 36
    public static let orderID = 37
    public static let orderQty = 38
    public static let ordStatus = 39
    public static let ordType = 40
    public static let origClOrdID = 41
    public static let possDupFlag = 43
    public static let price = 44
    public static let refSeqNum = 45
    public static let senderCompID = 49
    public static let sendingTime = 52
    public static let side = 54
    public static let symbol = 55
    public static let targetCompID = 56
    public static let text = 58
    public static let timeInForce = 59
    public static let transactTime = 60
    public static let encryptMethod = 98
    public static let exDestination = 100
    public static let cxlRejReason = 102
    public static let ordRejReason = 103
    public static let heartBtInt = 108
    public static let testReqID = 112
    public static let origSendingTime = 122
    public static let gapFillFlag = 123
    public static let expireTime = 126
    public static let resetSeqNumFlag = 141
    public static let execType = 150
    public static let leavesQty = 151
    public static let refTagID = 371
    public static let refMsgType = 372
    public static let sessionRejectReason = 373
    public static let businessRejectRefID = 379
    public static let businessRejectReason = 380
    public static let cxlRejResponseTo = 434
    public static let username = 553
    public static let password = 554
    public static let nextExpectedMsgSeqNum = 789
    /// Custom: the venues an order may or may not use, as a repeating group
    /// (`NoRoutingVenues` 20100 → `RoutingVenue` 20101, `RoutingVenueAction` 20102: `I` include,
    /// `E` exclude).
    public static let noRoutingVenues = 20100
    public static let routingVenue = 20101
    public static let routingVenueAction = 20102
    /// Custom: the routing strategy (`cost`, `best-single`, `pro-rata`).
    public static let routingStrategy = 20103
    /// Custom: `Y` lets the router move the account's tokens or convert its cash first (`allowTransfers`).
    public static let allowTransfers = 20104
    /// Custom, on execution reports: the rule that refused the order (`insufficient_cash`, …).
    public static let rejectRule = 20105

    /// Tags that belong to the standard header (checked by the session, not the application).
    public static let header: Set<Int> = [
        beginString, bodyLength, msgType, senderCompID, targetCompID, msgSeqNum, sendingTime, possDupFlag,
        origSendingTime,
    ]
}

/// MsgType (35) values.
public enum FIXMsgType {
    public static let heartbeat = "0"
    public static let testRequest = "1"
    public static let resendRequest = "2"
    public static let reject = "3"
    public static let sequenceReset = "4"
    public static let logout = "5"
    public static let logon = "A"
    public static let executionReport = "8"
    public static let orderCancelReject = "9"
    public static let newOrderSingle = "D"
    public static let orderCancelRequest = "F"
    public static let orderCancelReplaceRequest = "G"
    public static let orderStatusRequest = "H"
    public static let businessMessageReject = "j"

    /// The session's own messages (never resent: a gap fill stands for them).
    public static let admin: Set<String> = [
        heartbeat, testRequest, resendRequest, reject, sequenceReset, logout, logon,
    ]

    /// Every MsgType FIX 4.4 defines that is an application message this gateway does not take
    /// (answered with a BusinessMessageReject, 380=3); any other unknown type is a session Reject (373=11).
    public static let knownApplication: Set<String> = [
        "6", "7", "B", "C", "E", "J", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w",
        "x", "y", "z", "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AL", "AM", "AN", "AO", "AP",
        "AQ", "AR", "AS", "AT", "AU", "AV", "AW", "AX", "AY", "AZ", "BA", "BB", "BC", "BD", "BE", "BF", "BG", "BH",
    ]
}

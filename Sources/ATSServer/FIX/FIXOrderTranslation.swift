import ATSDomain
import ATSFIX
import ATSOrders
import ATSWire
import Foundation

/// Why a FIX order or replace was refused before it reached the router: the rule's code and a
/// text naming the tag.
struct FIXOrderRefusal: Error, Sendable {
    var code: String
    var text: String
}

/// A NewOrderSingle or a replace as the API's order body, checked by the same parser as
/// `POST /v1/orders` and `PATCH /v1/orders/{id}`, so FIX and REST refuse the same things with
/// the same rule codes (`docs/fix.md` lists the tags).
struct FIXOrderTranslation {
    let runtime: any RouterService
    let now: Timestamp

    var parser: OrderRequestParser {
        OrderRequestParser(catalog: runtime.catalog, configuration: runtime.configuration)
    }

    /// The order a NewOrderSingle asks for, and a GTD order's expiry (sent to the router as GTC;
    /// the gateway cancels it at ExpireTime).
    func request(_ message: FIXMessage, account: AccountID) throws(FIXOrderRefusal) -> (ParentOrderRequest, Timestamp?)
    {
        if let given = message[FIXTag.account], given != account.rawValue {
            throw FIXOrderRefusal(
                code: "account_mismatch", text: "Account(1) \(given) is not this session's account \(account)")
        }
        let side: String
        switch message[FIXTag.side] {
        case "1": side = "buy"
        case "2": side = "sell"
        default: throw invalid(FIXTag.side, "must be 1 (buy) or 2 (sell)")
        }
        let limit = try limitPrice(message)
        let (timeInForce, expiry) = try timeInForce(message)
        let (include, exclude) = try venues(message)
        var allowTransfers: Bool?
        if let flag = message[FIXTag.allowTransfers] {
            guard flag == "Y" || flag == "N" else { throw invalid(FIXTag.allowTransfers, "must be Y or N") }
            allowTransfers = flag == "Y"
        }
        let body = APIViews.OrderRequestBody(
            symbol: message[FIXTag.symbol] ?? "", side: side, quantity: message[FIXTag.orderQty] ?? "",
            limitPrice: limit,
            timeInForce: timeInForce, strategy: message[FIXTag.routingStrategy],
            includeVenues: include.isEmpty ? nil : include, excludeVenues: exclude.isEmpty ? nil : exclude,
            clientOrderId: message[FIXTag.clOrdID], allowTransfers: allowTransfers)
        do {
            return (try parser.parse(try JSONEncoder().encode(body), account: account), expiry)
        } catch let error as APIError {
            throw FIXOrderRefusal(code: error.code, text: Self.named(error))
        } catch {
            throw FIXOrderRefusal(code: "invalid_field", text: "\(error)")
        }
    }

    /// A replace's new OrderQty and Price, checked as an amend is.
    func amendment(_ message: FIXMessage, symbol: Symbol) throws(FIXOrderRefusal) -> (Quantity?, Price?) {
        let limit = try limitPrice(message)
        var body: [String: String] = ["quantity": message[FIXTag.orderQty] ?? ""]
        if let limit { body["limitPrice"] = limit }
        do {
            let change = try parser.parseAmend(try JSONEncoder().encode(body), symbol: symbol)
            return (change.quantity, change.limitPrice)
        } catch let error as APIError {
            throw FIXOrderRefusal(code: error.code, text: Self.named(error))
        } catch {
            throw FIXOrderRefusal(code: "invalid_field", text: "\(error)")
        }
    }

    /// Price (44): required for a limit order (OrdType 2), refused on a market order (1).
    private func limitPrice(_ message: FIXMessage) throws(FIXOrderRefusal) -> String? {
        switch message[FIXTag.ordType] {
        case "1":
            guard message[FIXTag.price] == nil else {
                throw invalid(FIXTag.price, "is not allowed on a market order (OrdType 1)")
            }
            return nil
        case "2":
            guard let price = message[FIXTag.price] else {
                throw invalid(FIXTag.price, "is required on a limit order (OrdType 2)")
            }
            return price
        default:
            throw FIXOrderRefusal(
                code: "order_type_not_supported",
                text: "OrdType(40) \(message[FIXTag.ordType] ?? "") is not supported: 1 (market) or 2 (limit)")
        }
    }

    /// TimeInForce (59): DAY when absent (FIX's default), GTC, IOC, FOK, or GTD with ExpireTime (126).
    private func timeInForce(_ message: FIXMessage) throws(FIXOrderRefusal) -> (String, Timestamp?) {
        switch message[FIXTag.timeInForce] ?? "0" {
        case "0": return ("DAY", nil)
        case "1": return ("GTC", nil)
        case "3": return ("IOC", nil)
        case "4": return ("FOK", nil)
        case "6":
            guard let text = message[FIXTag.expireTime] else {
                throw invalid(FIXTag.expireTime, "is required with TimeInForce 6 (GTD)")
            }
            guard let expiry = FIXTime.parse(text) else {
                throw invalid(FIXTag.expireTime, "\(text) is not a UTCTimestamp (YYYYMMDD-HH:MM:SS[.sss])")
            }
            guard expiry > now else {
                throw FIXOrderRefusal(code: "expiry_not_in_future", text: "ExpireTime(126) \(text) has passed")
            }
            return ("GTC", expiry)
        case let other:
            throw FIXOrderRefusal(
                code: "time_in_force_not_supported",
                text: "TimeInForce(59) \(other) is not supported: 0 (DAY), 1 (GTC), 3 (IOC), 4 (FOK) or 6 (GTD)")
        }
    }

    /// ExDestination (100), one venue to use; the custom group NoRoutingVenues (20100) of
    /// RoutingVenue (20101) and RoutingVenueAction (20102: I include, E exclude).
    private func venues(_ message: FIXMessage) throws(FIXOrderRefusal) -> ([String], [String]) {
        var include: [String] = message[FIXTag.exDestination].map { [$0] } ?? []
        var exclude: [String] = []
        let entries: [[FIXField]]
        do {
            entries = try message.group(
                FIXTag.noRoutingVenues, first: FIXTag.routingVenue, members: [FIXTag.routingVenueAction])
        } catch {
            throw invalid(FIXTag.noRoutingVenues, error.reason)
        }
        for fields in entries {
            let venue = fields[0].value
            switch fields.first(where: { $0.tag == FIXTag.routingVenueAction })?.value ?? "I" {
            case "I": include.append(venue)
            case "E": exclude.append(venue)
            case let other: throw invalid(FIXTag.routingVenueAction, "\(other) must be I (include) or E (exclude)")
            }
        }
        return (include, exclude)
    }

    private func invalid(_ tag: Int, _ reason: String) -> FIXOrderRefusal {
        FIXOrderRefusal(code: "invalid_field", text: "\(FIXTagNames.name(tag))(\(tag)) \(reason)")
    }

    /// The API's error with its JSON field named as the FIX tag it came from.
    static func named(_ error: APIError) -> String {
        let tags = [
            "symbol": FIXTag.symbol, "side": FIXTag.side, "quantity": FIXTag.orderQty, "limitPrice": FIXTag.price,
            "timeInForce": FIXTag.timeInForce, "strategy": FIXTag.routingStrategy,
            "includeVenues": FIXTag.exDestination,
            "excludeVenues": FIXTag.noRoutingVenues, "clientOrderId": FIXTag.clOrdID,
            "allowTransfers": FIXTag.allowTransfers,
        ]
        guard let field = error.field, let tag = tags[field] else { return "\(error.code): \(error.message)" }
        return "\(error.code): \(FIXTagNames.name(tag))(\(tag)): \(error.message)"
    }
}

/// Tag names for error texts.
enum FIXTagNames {
    static func name(_ tag: Int) -> String {
        switch tag {
        case FIXTag.account: "Account"
        case FIXTag.clOrdID: "ClOrdID"
        case FIXTag.orderQty: "OrderQty"
        case FIXTag.ordType: "OrdType"
        case FIXTag.origClOrdID: "OrigClOrdID"
        case FIXTag.price: "Price"
        case FIXTag.side: "Side"
        case FIXTag.symbol: "Symbol"
        case FIXTag.timeInForce: "TimeInForce"
        case FIXTag.transactTime: "TransactTime"
        case FIXTag.expireTime: "ExpireTime"
        case FIXTag.exDestination: "ExDestination"
        case FIXTag.noRoutingVenues: "NoRoutingVenues"
        case FIXTag.routingVenueAction: "RoutingVenueAction"
        case FIXTag.routingStrategy: "RoutingStrategy"
        case FIXTag.allowTransfers: "AllowTransfers"
        default: "Tag"
        }
    }
}

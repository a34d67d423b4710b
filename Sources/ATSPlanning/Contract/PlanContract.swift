import ATSDomain
import ATSVenues
import Foundation

/// The files of `ats-router plan`: a snapshot and an order in, the plan out, as JSON with
/// decimal strings (`docs/routing.md`, "The plan contract").
public enum PlanContract {
    /// Reads and validates a snapshot file.
    /// - Throws: ``ConfigurationError`` naming the file and the field.
    public static func loadSnapshot(path: String) throws(ConfigurationError) -> PlanSnapshot {
        try decodeSnapshot(readConfigurationFile(path), file: path)
    }

    /// Reads and validates an order file.
    public static func loadOrder(path: String) throws(ConfigurationError) -> PlanOrder {
        try decodeOrder(readConfigurationFile(path), file: path)
    }

    public static func decodeSnapshot(_ data: Data, file: String) throws(ConfigurationError) -> PlanSnapshot {
        let document = try decodeConfiguration(SnapshotDocument.self, from: data, file: file)
        return PlanSnapshot(symbol: document.symbol, venues: document.venues.map(\.planVenue))
    }

    public static func decodeOrder(_ data: Data, file: String) throws(ConfigurationError) -> PlanOrder {
        try decodeConfiguration(OrderDocument.self, from: data, file: file).planOrder
    }

    /// Plans, turning a ``PlanError`` into an error that names the file the field is in.
    public static func plan(
        _ order: PlanOrder, on snapshot: PlanSnapshot, orderFile: String, snapshotFile: String
    ) throws(ConfigurationError) -> Plan {
        do {
            return try Planner.plan(order, on: snapshot)
        } catch {
            let inOrder = ["quantity", "limitPrice", "side", "strategy"].contains(error.field)
            throw ConfigurationError(file: inOrder ? orderFile : snapshotFile, key: error.field, reason: error.reason)
        }
    }

    /// The plan as the contract's JSON, keys in contract order, followed by the extras.
    public static func encode(_ plan: Plan, computeMicroseconds: Double? = nil) -> String {
        var fields: [(String, String)] = []
        let allocations = plan.allocations.map { allocation in
            object(
                [
                    ("venue", string(allocation.venue.rawValue)),
                    ("quantity", string(allocation.quantity.description)),
                    ("averagePrice", string(allocation.averagePrice.description)),
                    ("notional", string(allocation.notional.description)),
                    ("fees", string(allocation.fees.description)),
                    ("allInCost", string(allocation.allInCost.description)),
                    ("childLimitPrice", string(allocation.worstPrice.description)),
                ], indent: 4)
        }
        fields.append(
            ("allocations", allocations.isEmpty ? "[]" : "[\n    " + allocations.joined(separator: ",\n    ") + "\n  ]")
        )
        fields.append(("filledQuantity", string(plan.filledQuantity.description)))
        fields.append(("notional", string(plan.notional.description)))
        fields.append(("fees", string(plan.fees.description)))
        fields.append(("allInCost", string(plan.allInCost.description)))
        fields.append(("side", string(plan.side.rawValue)))
        fields.append(("strategy", string(plan.strategy.rawValue)))
        fields.append(("requestedQuantity", string(plan.requestedQuantity.description)))
        fields.append(("unfilledQuantity", string(plan.unfilledQuantity.description)))
        if let price = plan.allInPrice { fields.append(("allInPrice", string(price.description))) }
        if let reason = plan.unfilledReason { fields.append(("unfilledReason", string(reason))) }
        if let computeMicroseconds {
            fields.append(("computeMicroseconds", String(format: "%.1f", computeMicroseconds)))
        }
        return object(fields, indent: 0)
    }

    private static func object(_ fields: [(String, String)], indent: Int) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        let body = fields.map { "\(pad)\(string($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n" + body + "\n" + String(repeating: " ", count: indent) + "}"
    }

    private static func string(_ text: String) -> String { JSONText.quoted(text) }
}

// MARK: Wire documents

private struct SnapshotDocument: Decodable {
    var symbol: Symbol?
    var venues: [VenueDocument]
}

private struct VenueDocument: Decodable {
    var venue: VenueID
    var lotSize: Quantity
    var minQuantity: Quantity?
    var minNotional: Money?
    var takerFeeBps: BasisPoints?
    var fixedFee: Money?
    var maxQuantity: Quantity?
    var bids: [LevelDocument]
    var asks: [LevelDocument]

    var planVenue: PlanVenue {
        PlanVenue(
            venue: venue, lotSize: lotSize, minQuantity: minQuantity ?? .zero, minNotional: minNotional ?? .zero,
            takerFee: takerFeeBps ?? .zero, fixedFee: fixedFee ?? .zero,
            bids: bids.map(\.level), asks: asks.map(\.level), maxQuantity: maxQuantity
        )
    }
}

/// `["10.02", "400"]`: a price and a size.
private struct LevelDocument: Decodable {
    var level: PlanLevel

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        guard container.count == 2 else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "a level is [price, size], two decimal strings"))
        }
        let price = try container.decode(Price.self)
        let quantity = try container.decode(Quantity.self)
        level = PlanLevel(price: price, quantity: quantity)
    }
}

private struct OrderDocument: Decodable {
    var planOrder: PlanOrder

    enum CodingKeys: String, CodingKey {
        case side, quantity, limitPrice, strategy, includeVenues, excludeVenues
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sideText = try container.decode(String.self, forKey: .side)
        guard let side = Side(caseInsensitive: sideText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .side, in: container,
                debugDescription: "\"\(sideText)\" is not buy or sell")
        }
        var strategy = PlanStrategy.cost
        if let text = try container.decodeIfPresent(String.self, forKey: .strategy) {
            guard let parsed = PlanStrategy(caseInsensitive: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .strategy, in: container,
                    debugDescription:
                        "\"\(text)\" is not one of \(PlanStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            strategy = parsed
        }
        planOrder = PlanOrder(
            side: side,
            quantity: try container.decode(Quantity.self, forKey: .quantity),
            limitPrice: try container.decodeIfPresent(Price.self, forKey: .limitPrice),
            strategy: strategy,
            includeVenues: Set(try container.decodeIfPresent([VenueID].self, forKey: .includeVenues) ?? []),
            excludeVenues: Set(try container.decodeIfPresent([VenueID].self, forKey: .excludeVenues) ?? [])
        )
    }
}

/// JSON text written directly, where a document is on a hot path or its key order matters.
public enum JSONText {
    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

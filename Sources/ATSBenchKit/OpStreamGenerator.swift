import ATSDomain

/// Generates op streams identical, byte for byte, to the shared `gen_ops` tool.
///
/// A deliberately plain reference book — sorted price arrays and FIFO queues per price, written
/// independently of ``OrderBook`` — picks cancel targets among live orders and records the results
/// (trades, volume, notional, resting orders) that any engine replaying the stream must reproduce.
public enum OpStreamGenerator {
    /// The `mixed` stream: prefill to `targetResting` passive orders within `band` ticks of a fixed
    /// mid, then `count` operations, about 50 % adds, 40 % cancels and 10 % IOC orders that cross.
    public static func mixed(count: UInt64, targetResting: UInt64, band: UInt64, seed: UInt64 = 42) -> OpStream {
        var book = ReferenceBook()
        var random = SplitMix64(seed: seed)
        let mid: UInt64 = 1_000_000
        func passive() {
            let side = UInt8(random.below(2))
            let u = random.unit()
            let distance = UInt64(Double(band) * u * u)
            let price = side == 0 ? mid - 1 - distance : mid + 1 + distance
            let quantity = UInt32(1 + random.below(100))
            book.add(side: side, price: price, quantity: quantity, immediateOrCancel: false)
        }
        while UInt64(book.live.count) < targetResting { passive() }
        let prefill = UInt64(book.ops.count)
        for _ in 0..<count {
            let live = UInt64(book.live.count)
            let draw = random.below(100)
            let kind: Int
            if live < targetResting * 9 / 10 {
                kind = 0
            } else if live > targetResting * 11 / 10 {
                kind = 1
            } else {
                kind = draw < 50 ? 0 : draw < 90 ? 1 : 2
            }
            switch kind {
            case 0:
                passive()
            case 1:
                let id = book.live[Int(random.below(live))]
                book.cancel(id)
            default:
                let side = UInt8(random.below(2))
                let offset = random.below(UInt64(6))
                let price = side == 0 ? mid + 1 + offset : mid - 1 - offset
                let quantity = UInt32(1 + random.below(300))
                book.add(side: side, price: price, quantity: quantity, immediateOrCancel: true)
            }
        }
        return book.stream(prefill: prefill)
    }

    /// The `pt` stream (Liquibook's insert-throughput test): `count` GTC adds alternating buy and
    /// sell, prices and sizes from glibc `rand()` seeded with `seed`.
    public static func priceTime(count: UInt64, seed: UInt32 = 3) -> OpStream {
        var book = ReferenceBook()
        var random = GlibcRandom(seed: seed)
        for i in 0..<count {
            let buy = i % 2 == 0
            let delta: UInt64 = buy ? 1880 : 1884
            let price = UInt64(random.next() % 10) + delta
            let quantity = UInt32((random.next() % 10) + 1) * 100
            book.add(side: buy ? 0 : 1, price: price, quantity: quantity, immediateOrCancel: false)
        }
        return book.stream(prefill: 0)
    }
}

/// The generator's reference price-time book.
struct ReferenceBook {
    struct Order {
        var price: UInt64 = 0
        var open: UInt32 = 0
        var side: UInt8 = 0
        var live = false
        var liveIndex = 0
    }

    /// FIFO of order ids at one price; cancelled ids are skipped lazily.
    struct Queue {
        var ids: [UInt64] = []
        var head = 0
        var liveCount = 0
    }

    var orders: [Order] = []
    /// Ids of live orders; removal swaps the last into the hole, as the C++ `kill` does.
    var live: [UInt64] = []
    /// Prices ascending; the best bid is the last, the best ask the first.
    var bidPrices: [UInt64] = []
    var askPrices: [UInt64] = []
    var queues: [UInt64: Queue] = [:]  // keyed by price × 2 + side
    var ops: [Op] = []
    var trades: UInt64 = 0
    var volume: UInt64 = 0
    var notional: UInt64 = 0

    mutating func add(side: UInt8, price: UInt64, quantity: UInt32, immediateOrCancel: Bool) {
        let id = nextID
        nextID += 1
        ops.append(
            Op(
                kind: immediateOrCancel ? .immediateOrCancel : .add, side: side, quantity: quantity, id: id,
                price: price))
        if orders.count <= Int(id) {
            orders.append(contentsOf: repeatElement(Order(), count: Int(id) + 1 - orders.count))
        }
        orders[Int(id)] = Order(price: price, open: 0, side: side, live: false, liveIndex: 0)
        let remaining = take(takerSide: side, limit: price, quantity: quantity)
        guard remaining > 0 && !immediateOrCancel else { return }
        orders[Int(id)].open = remaining
        orders[Int(id)].live = true
        orders[Int(id)].liveIndex = live.count
        live.append(id)
        let key = price * 2 + UInt64(side)
        if queues[key] == nil {
            queues[key] = Queue()
            if side == 0 { insertSorted(&bidPrices, price) } else { insertSorted(&askPrices, price) }
        }
        queues[key, default: Queue()].ids.append(id)
        queues[key, default: Queue()].liveCount += 1
    }

    private var nextID: UInt64 = 0

    mutating func cancel(_ id: UInt64) {
        let order = orders[Int(id)]
        ops.append(Op(kind: .cancel, side: order.side, quantity: 0, id: id, price: order.price))
        guard order.live else { return }
        kill(id)
        let key = order.price * 2 + UInt64(order.side)
        queues[key]!.liveCount -= 1
        if queues[key]!.liveCount == 0 { removeLevel(side: order.side, price: order.price) }
    }

    private mutating func take(takerSide: UInt8, limit: UInt64, quantity: UInt32) -> UInt32 {
        var quantity = quantity
        let makerSide: UInt8 = takerSide == 0 ? 1 : 0
        while quantity > 0 {
            guard let price = takerSide == 0 ? askPrices.first : bidPrices.last else { break }
            if takerSide == 0 ? price > limit : price < limit { break }
            let key = price * 2 + UInt64(makerSide)
            // Taken out of the dictionary so that appending does not copy it.
            var queue = queues.removeValue(forKey: key)!
            while quantity > 0 && queue.liveCount > 0 {
                let makerID = queue.ids[queue.head]
                guard orders[Int(makerID)].live else {
                    queue.head += 1
                    continue
                }
                let fill = min(quantity, orders[Int(makerID)].open)
                quantity -= fill
                orders[Int(makerID)].open -= fill
                trades += 1
                volume += UInt64(fill)
                notional += UInt64(fill) * price
                if orders[Int(makerID)].open == 0 {
                    queue.head += 1
                    queue.liveCount -= 1
                    kill(makerID)
                }
            }
            if queue.liveCount == 0 {
                queues[key] = queue
                removeLevel(side: makerSide, price: price)
            } else {
                if queue.head > 64 && queue.head * 2 > queue.ids.count {
                    queue.ids.removeFirst(queue.head)
                    queue.head = 0
                }
                queues[key] = queue
            }
        }
        return quantity
    }

    private mutating func kill(_ id: UInt64) {
        orders[Int(id)].live = false
        let hole = orders[Int(id)].liveIndex
        let last = live[live.count - 1]
        live[hole] = last
        orders[Int(last)].liveIndex = hole
        live.removeLast()
    }

    private mutating func removeLevel(side: UInt8, price: UInt64) {
        queues[price * 2 + UInt64(side)] = nil
        if side == 0 {
            bidPrices.remove(at: lowerBound(bidPrices, price))
        } else {
            askPrices.remove(at: lowerBound(askPrices, price))
        }
    }

    func stream(prefill: UInt64) -> OpStream {
        OpStream(
            header: OpStreamHeader(
                count: UInt64(ops.count), prefill: prefill, expectedTrades: trades,
                expectedVolume: volume, expectedNotional: notional, expectedResting: UInt64(live.count)),
            ops: ops)
    }
}

private func lowerBound(_ array: [UInt64], _ value: UInt64) -> Int {
    var low = 0
    var high = array.count
    while low < high {
        let mid = (low + high) / 2
        if array[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low
}

private func insertSorted(_ array: inout [UInt64], _ value: UInt64) {
    array.insert(value, at: lowerBound(array, value))
}

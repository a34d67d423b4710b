/// The trader's blotter served at `/` (`docs/api.md`, "The blotter"): one self-contained page —
/// its styles and script inline, nothing fetched from elsewhere, no build step — that signs in
/// with an API key and then works through the API and the event stream like any other client.
enum BlotterPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ATS Router — blotter</title>
        <style>
          body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f4f5f7; }
          header { background: #1b2a41; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
          header h1 { font-size: 15px; margin: 0; }
          header .who { margin-left: auto; }
          main { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; padding: 12px; }
          section { background: #fff; border: 1px solid #d8dce2; border-radius: 6px; padding: 10px; }
          section.wide { grid-column: 1 / 3; }
          h2 { font-size: 13px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: #4a5565; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eceef1; white-space: nowrap; }
          td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
          .bid { color: #0b6b2e; } .ask { color: #a3261b; } .muted { color: #7a8594; }
          .bad { color: #a3261b; } .good { color: #0b6b2e; }
          form.row { display: flex; flex-wrap: wrap; gap: 6px; align-items: end; }
          label { display: flex; flex-direction: column; font-size: 11px; color: #4a5565; }
          input, select, button { font: inherit; padding: 3px 6px; }
          button { cursor: pointer; }
          #signin { max-width: 420px; margin: 80px auto; }
          .hidden { display: none !important; }
          #plan, #ticket-error { margin-top: 8px; }
        </style>
        </head>
        <body>
        <header><h1>ATS Router</h1><span id="stream-state" class="muted">signed out</span><span class="who" id="who"></span></header>

        <section id="signin">
          <h2>Sign in</h2>
          <form class="row" id="signin-form">
            <label>API key <input id="key" type="password" size="34" autocomplete="off" required></label>
            <button id="signin-button" type="submit">Sign in</button>
          </form>
          <p id="signin-error" class="bad"></p>
        </section>

        <main id="app" class="hidden">
          <section>
            <h2>Consolidated book</h2>
            <form class="row" id="book-form">
              <label>Symbol <select id="book-symbol"></select></label>
              <label>Side <select id="book-side"><option>buy</option><option>sell</option></select></label>
            </form>
            <table id="book"><thead><tr><th>Bid venue</th><th class="num">Bid size</th><th class="num">Bid</th><th class="num">Ask</th><th class="num">Ask size</th><th>Ask venue</th><th class="num">All-in</th></tr></thead><tbody></tbody></table>
            <div id="left-out" class="muted"></div>
          </section>

          <section>
            <h2>Order ticket</h2>
            <form class="row" id="ticket">
              <label>Symbol <select id="t-symbol"></select></label>
              <label>Side <select id="t-side"><option>buy</option><option>sell</option></select></label>
              <label>Quantity <input id="t-quantity" size="8" required></label>
              <label>Limit <input id="t-limit" size="8"></label>
              <label>TIF <select id="t-tif"><option>IOC</option><option>FOK</option><option>DAY</option><option>GTC</option></select></label>
              <label>Strategy <select id="t-strategy"><option>cost</option><option>best-single</option><option>pro-rata</option></select></label>
              <label>Include <input id="t-include" size="10" placeholder="tzero,inx"></label>
              <label>Exclude <input id="t-exclude" size="10"></label>
              <button id="t-preview" type="button">Preview</button>
              <button id="t-send" type="submit">Send</button>
            </form>
            <div id="plan"></div>
            <div id="ticket-error" class="bad"></div>
          </section>

          <section class="wide">
            <h2>Orders</h2>
            <table id="orders"><thead><tr><th>Id</th><th>Symbol</th><th>Side</th><th class="num">Quantity</th><th class="num">Limit</th><th class="num">Filled</th><th class="num">Avg price</th><th>TIF</th><th>Status</th><th>Children</th><th>Fills</th><th>Settlement</th><th></th></tr></thead><tbody></tbody></table>
          </section>

          <section>
            <h2>Venues</h2>
            <table id="venues"><thead><tr><th>Venue</th><th>Health</th><th>Breaker</th><th class="num">p50 ms</th></tr></thead><tbody></tbody></table>
          </section>

          <section>
            <h2>Events</h2>
            <div id="events" style="max-height: 220px; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px"></div>
          </section>
        </main>

        <script>
        "use strict";
        // Numbers are shown exactly as the API gives them (decimal strings); nothing here does arithmetic on prices.
        const state = { key: null, ws: null, last: null, orders: new Map(), settlements: new Map(), book: null, symbols: [] };
        const $ = (id) => document.getElementById(id);
        const text = (v) => (v === undefined || v === null ? "" : String(v));
        function cell(row, value, cls) { const td = row.insertCell(); td.textContent = text(value); if (cls) td.className = cls; return td; }

        async function api(method, path, body) {
          const init = { method, headers: { Authorization: "Bearer " + state.key } };
          if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
          const reply = await fetch(path, init);
          const json = await reply.json().catch(() => ({}));
          if (!reply.ok) { const e = json.error || {}; throw new Error((e.code || reply.status) + ": " + (e.message || "")); }
          return json;
        }

        $("signin-form").addEventListener("submit", async (event) => {
          event.preventDefault();
          state.key = $("key").value.trim();
          try {
            const securities = await api("GET", "/v1/securities");
            state.symbols = securities.securities.map((s) => s.symbol);
            for (const select of [$("book-symbol"), $("t-symbol")]) {
              select.innerHTML = "";
              for (const s of state.symbols) select.add(new Option(s, s));
            }
            const orders = await api("GET", "/v1/orders?limit=100");
            for (const order of orders.orders) state.orders.set(order.id, order);
            $("signin").classList.add("hidden");
            $("app").classList.remove("hidden");
            renderOrders();
            connect();
          } catch (error) {
            $("signin-error").textContent = String(error.message || error);
          }
        });

        function connect() {
          const scheme = location.protocol === "https:" ? "wss:" : "ws:";
          const resume = state.last === null ? "" : "?resume=" + state.last;
          const ws = new WebSocket(scheme + "//" + location.host + "/v1/stream" + resume);
          state.ws = ws;
          ws.onopen = () => { ws.send(JSON.stringify({ auth: state.key })); subscribe(); };
          ws.onmessage = (message) => receive(JSON.parse(message.data));
          ws.onclose = () => { $("stream-state").textContent = "reconnecting…"; setTimeout(connect, 1000); };
        }

        function subscribe() {
          if (!state.ws || state.ws.readyState !== 1) return;
          if (state.book) state.ws.send(JSON.stringify({ unsubscribe: [state.book] }));
          state.book = $("book-symbol").value;
          state.ws.send(JSON.stringify({ subscribe: [state.book], side: $("book-side").value, depth: 10 }));
        }
        $("book-symbol").addEventListener("change", subscribe);
        $("book-side").addEventListener("change", subscribe);

        function receive(m) {
          switch (m.type) {
            case "welcome":
              $("stream-state").textContent = "live"; $("who").textContent = m.account;
              if (state.last === null) state.last = m.sequence;
              break;
            case "order":
              state.last = m.sequence;
              if (m.state) { state.orders.set(m.state.id, m.state); renderOrders(); }
              logEvent("#" + m.sequence + " order " + m.order + " " + m.event + describe(m.detail));
              break;
            case "book": if (m.book.symbol === state.book) renderBook(m.book); break;
            case "venue": renderVenue(m.venue); break;
            case "settlement":
              state.settlements.set(m.settlement.id, m.settlement); renderOrders();
              logEvent("settlement " + m.settlement.id + " order " + m.settlement.orderId + ": " + m.settlement.status);
              break;
            case "error": logEvent("error " + m.code + ": " + m.message); break;
          }
        }

        function describe(d) {
          if (!d) return "";
          if (d.fill) return " " + d.fill.venue + " " + d.fill.quantity + " @ " + d.fill.price;
          if (d.child) return " " + d.child.venue + " " + d.child.quantity + " @ " + d.child.limitPrice + " " + d.child.status;
          if (d.allocations) return " " + d.allocations.map((a) => a.venue + " " + a.quantity).join(", ");
          if (d.quantity) return " quantity " + d.quantity + (d.limitPrice ? " limit " + d.limitPrice : "");
          return d.status ? " " + d.status : "";
        }

        function logEvent(line) {
          const div = document.createElement("div"); div.textContent = line;
          $("events").prepend(div);
          while ($("events").childNodes.length > 200) $("events").lastChild.remove();
        }

        function renderBook(book) {
          const body = $("book").tBodies[0]; body.innerHTML = "";
          const rows = Math.max(book.bids.length, book.asks.length);
          for (let i = 0; i < rows; i++) {
            const bid = book.bids[i], ask = book.asks[i];
            const row = body.insertRow();
            row.dataset.side = "level";
            cell(row, bid && bid.venue, "bid");
            cell(row, bid && bid.quantity, "num bid"); cell(row, bid && bid.price, "num bid");
            cell(row, ask && ask.price, "num ask"); cell(row, ask && ask.quantity, "num ask");
            cell(row, ask && ask.venue, "ask");
            cell(row, book.side === "buy" ? ask && ask.allInPrice : bid && bid.allInPrice, "num");
          }
          const left = book.venues.filter((v) => !v.included).map((v) => v.venue + ": " + (v.code || "") + (v.reason ? " — " + v.reason : "") + (v.unlock ? " (" + v.unlock + ")" : ""));
          $("left-out").textContent = left.length ? "Left out — " + left.join("; ") : "";
        }

        function renderVenue(v) {
          let row = document.querySelector('#venues tr[data-venue="' + v.id + '"]');
          if (!row) { row = $("venues").tBodies[0].insertRow(); row.dataset.venue = v.id; }
          row.innerHTML = "";
          cell(row, v.name || v.id);
          cell(row, v.healthy ? "healthy" : "unhealthy", v.healthy ? "good" : "bad");
          cell(row, v.breaker); cell(row, v.latencyP50Ms === undefined || v.latencyP50Ms === null ? "" : v.latencyP50Ms.toFixed(1), "num");
        }

        function renderOrders() {
          const body = $("orders").tBodies[0]; body.innerHTML = "";
          const ids = [...state.orders.keys()].sort((a, b) => Number(b) - Number(a));
          for (const id of ids) {
            const o = state.orders.get(id);
            const row = body.insertRow(); row.dataset.order = id;
            cell(row, o.id); cell(row, o.symbol); cell(row, o.side); cell(row, o.quantity, "num"); cell(row, o.limitPrice, "num");
            cell(row, o.filledQuantity, "num"); cell(row, o.averagePrice, "num"); cell(row, o.timeInForce);
            cell(row, o.status + (o.rejection ? " (" + o.rejection.code + ")" : "")).className = "status";
            const children = o.children || [];
            cell(row, children.map((c) => c.venue + " " + c.quantity + " " + c.status).join("; "));
            cell(row, children.reduce((n, c) => n + (c.fills || []).length, 0), "num fills");
            const settled = [...state.settlements.values()].filter((s) => s.orderId === o.id);
            cell(row, settled.map((s) => s.status).join(", "));
            const actions = row.insertCell();
            if (o.status === "resting") {
              const q = document.createElement("input"); q.size = 6; q.placeholder = o.quantity; q.className = "amend-quantity";
              const l = document.createElement("input"); l.size = 6; l.placeholder = o.limitPrice || ""; l.className = "amend-limit";
              const amend = document.createElement("button"); amend.textContent = "Amend"; amend.className = "amend";
              amend.onclick = () => act(() => api("PATCH", "/v1/orders/" + o.id, Object.fromEntries(
                [["quantity", q.value.trim()], ["limitPrice", l.value.trim()]].filter(([, v]) => v !== ""))));
              actions.append(q, l, amend);
            }
            if (!["filled", "cancelled", "rejected", "expired", "partially_filled"].includes(o.status)) {
              const cancel = document.createElement("button"); cancel.textContent = "Cancel"; cancel.className = "cancel";
              cancel.onclick = () => act(() => api("DELETE", "/v1/orders/" + o.id));
              actions.append(cancel);
            }
          }
        }

        // The stream is the source of each order's state: its messages carry the order as it is when
        // sent, and may arrive before the reply to the call that changed it. A reply only adds an
        // order not yet shown; it never replaces a newer state with its own.
        async function act(call) {
          try {
            const order = await call();
            if (!state.orders.has(order.id)) { state.orders.set(order.id, order); renderOrders(); }
            $("ticket-error").textContent = "";
          }
          catch (error) { $("ticket-error").textContent = String(error.message || error); }
        }

        function ticket() {
          const list = (v) => v.split(",").map((s) => s.trim()).filter((s) => s !== "");
          const body = { symbol: $("t-symbol").value, side: $("t-side").value, quantity: $("t-quantity").value.trim(),
            timeInForce: $("t-tif").value, strategy: $("t-strategy").value };
          if ($("t-limit").value.trim() !== "") body.limitPrice = $("t-limit").value.trim();
          if (list($("t-include").value).length) body.includeVenues = list($("t-include").value);
          if (list($("t-exclude").value).length) body.excludeVenues = list($("t-exclude").value);
          return body;
        }

        $("t-preview").addEventListener("click", async () => {
          $("ticket-error").textContent = ""; $("plan").textContent = "";
          try {
            const p = await api("POST", "/v1/plans", ticket());
            const lines = ["Would be " + p.status + (p.rejection ? " (" + p.rejection.code + ": " + p.rejection.message + ")" : "")];
            for (const a of (p.decision && p.decision.allocations) || []) lines.push(a.venue + " " + a.quantity + " @ " + a.averagePrice + " all-in " + a.allInCost);
            for (const [venue, why] of Object.entries((p.decision && p.decision.excluded) || {})) lines.push("left out " + venue + ": " + why);
            $("plan").innerHTML = ""; for (const l of lines) { const d = document.createElement("div"); d.textContent = l; d.className = "plan-line"; $("plan").append(d); }
          } catch (error) { $("ticket-error").textContent = String(error.message || error); }
        });

        $("ticket").addEventListener("submit", (event) => {
          event.preventDefault();
          act(() => api("POST", "/v1/orders", ticket()));
        });
        </script>
        </body>
        </html>
        """#
}

// Build: g++ -std=c++17 -O2 -o replay_ref replay_ref.cpp   Run: ./replay_ref FILE.ops [RUNS]
// Baseline: replay an op stream into the shared generator's reference book (std::map of price ->
// std::list FIFO, per-order iterators for O(log n) cancel): the node-per-order, tree-of-levels
// design of the well-known C++ engines. One clock around the timed part, as the README prescribes.
// Op-stream format (see docs/performance.md): 64-byte header, then 24-byte little-endian records.
#include <cstdint>
struct OpsHeader { char magic[8]; uint64_t count, prefill, exp_trades, exp_volume, exp_notional, exp_resting, reserved; };
struct Op { uint8_t kind; uint8_t side; uint16_t pad; uint32_t qty; uint64_t id; uint64_t price; };
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <list>
#include <map>
#include <vector>
#include <algorithm>
#include <cstdlib>
struct O { uint64_t price; uint32_t open; uint8_t side; bool live; std::list<uint64_t>::iterator it; };
struct Book {
  std::map<uint64_t, std::list<uint64_t>, std::greater<uint64_t>> bids; std::map<uint64_t, std::list<uint64_t>> asks;
  std::vector<O> ord; uint64_t trades=0, volume=0, notional=0, resting=0;
  template<class M> uint32_t take(M& book, bool isBuy, uint64_t limit, uint32_t qty){
    while(qty && !book.empty()){ auto lvl=book.begin(); uint64_t p=lvl->first; if(isBuy? p>limit : p<limit) break;
      auto& q=lvl->second; while(qty && !q.empty()){ uint64_t mid=q.front(); O& m=ord[mid]; uint32_t f= qty<m.open? qty:m.open;
        qty-=f; m.open-=f; trades++; volume+=f; notional+=uint64_t(f)*p; if(!m.open){ q.pop_front(); m.live=false; resting--; } }
      if(q.empty()) book.erase(lvl); }
    return qty; }
  void add(uint64_t id, uint8_t side, uint64_t price, uint32_t qty, bool ioc){
    if(ord.size()<=id) ord.resize(id+1); O& o=ord[id]; o.price=price; o.side=side; o.live=false;
    uint32_t rem = side==0? take(asks,true,price,qty) : take(bids,false,price,qty);
    if(rem && !ioc){ O& r=ord[id]; r.open=rem; r.live=true; resting++;
      if(side==0){ auto& q=bids[price]; r.it=q.insert(q.end(),id);} else { auto& q=asks[price]; r.it=q.insert(q.end(),id);} } }
  void cancel(uint64_t id){ O& o=ord[id]; if(!o.live) return; o.live=false; resting--;
    if(o.side==0){ auto l=bids.find(o.price); l->second.erase(o.it); if(l->second.empty()) bids.erase(l);} else { auto l=asks.find(o.price); l->second.erase(o.it); if(l->second.empty()) asks.erase(l);} }
};
int main(int argc, char** argv){
  FILE* f=fopen(argv[1],"rb"); OpsHeader h; fread(&h,sizeof h,1,f); std::vector<Op> ops(h.count); fread(ops.data(),sizeof(Op),h.count,f); fclose(f);
  int runs = argc>2? atoi(argv[2]) : 1; std::vector<double> t;
  for(int r=0;r<runs;r++){
    Book b; b.ord.reserve(h.count);
    auto apply=[&](const Op& op){ if(op.kind==2) b.cancel(op.id); else b.add(op.id,op.side,op.price,op.qty,op.kind==1); };
    for(uint64_t i=0;i<h.prefill;i++) apply(ops[i]);
    auto s=std::chrono::steady_clock::now();
    for(uint64_t i=h.prefill;i<h.count;i++) apply(ops[i]);
    auto e=std::chrono::steady_clock::now();
    double ns=std::chrono::duration<double,std::nano>(e-s).count()/(h.count-h.prefill); t.push_back(ns);
    bool ok = b.trades==h.exp_trades && b.volume==h.exp_volume && b.notional==h.exp_notional && b.resting==h.exp_resting;
    printf("run %d: %.1f ns/op %s\n", r+1, ns, ok? "valid":"MISMATCH");
  }
  std::sort(t.begin(), t.end()); printf("median: %.1f ns/op\n", t[t.size()/2]);
}

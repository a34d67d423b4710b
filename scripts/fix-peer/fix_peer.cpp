// fix-peer: a FIX 4.4 initiator built on QuickFIX (Debian's libquickfix-dev), driven line by line
// on stdin, printing what it receives on stdout. ATS Router's tests run it against `serve
// --fix-port` so the gateway is proven against a FIX engine it did not write (docs/fix.md).
//
// Usage: fix-peer SETTINGS_FILE (QuickFIX session settings; a Password there is sent on Logon as 554)
// Commands (one per line; fields separated by spaces, '-' for none):
//   logon                                     start the initiator (a new one after a logout)
//   logout                                    stop it (QuickFIX sends Logout and waits for ours)
//   order CLORDID SIDE QTY ORDTYPE PRICE TIF [VENUE:I|E ...]   NewOrderSingle (ACME)
//   cancel CLORDID ORIGCLORDID SIDE           OrderCancelRequest
//   replace CLORDID ORIGCLORDID SIDE QTY PRICE  OrderCancelReplaceRequest (limit)
//   status CLORDID SIDE                       OrderStatusRequest
//   send TYPE TAG=VALUE ...                   any message QuickFIX will build (garbage on purpose)
//   seqnums                                   print "SEQ <next sender> <next target>"
//   quit
// Output lines: "LOGON", "LOGOUT", "APP <message>", "ADMIN <message>", "SENT-REJECT <message>" (a
// Reject QuickFIX sent: something the gateway sent failed its checks), "SEQ a b", "OK <command>",
// "ERROR <text>"; messages with '|' for SOH.
#include <quickfix/Application.h>
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>

#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {
std::mutex outputLock;

void say(const std::string &line) {
  std::lock_guard<std::mutex> guard(outputLock);
  std::cout << line << std::endl;
}

std::string shown(const FIX::Message &message) {
  std::string text = message.toString();
  for (auto &c : text)
    if (c == '\x01') c = '|';
  return text;
}

std::string now() {
  return FIX::UtcTimeStampConvertor::convert(FIX::UtcTimeStamp(), 3);
}

class Peer : public FIX::Application {
public:
  FIX::SessionID session;
  void onCreate(const FIX::SessionID &id) override { session = id; }
  void onLogon(const FIX::SessionID &) override { say("LOGON"); }
  void onLogout(const FIX::SessionID &) override { say("LOGOUT"); }
  std::string password;
  void toAdmin(FIX::Message &message, const FIX::SessionID &) override {
    const std::string type = message.getHeader().getField(35);
    // The Logon carries the session's API key as Password (554), from the settings' Password.
    if (type == "A" && !password.empty()) message.setField(554, password);
    // A Reject from QuickFIX: a message of the gateway's failed its checks or the dictionary.
    if (type == "3") say("SENT-REJECT " + shown(message));
  }
  void toApp(FIX::Message &, const FIX::SessionID &) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message &message, const FIX::SessionID &)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
    say("ADMIN " + shown(message));
  }
  void fromApp(const FIX::Message &message, const FIX::SessionID &)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
    say("APP " + shown(message));
  }
};

std::vector<std::string> words(const std::string &line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

FIX::Message message(const std::string &type) {
  FIX::Message m;
  m.getHeader().setField(FIX::BeginString("FIX.4.4"));
  m.getHeader().setField(FIX::MsgType(type));
  return m;
}

void set(FIX::Message &m, int tag, const std::string &value) {
  if (value != "-") m.setField(tag, value);
}
}  // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: fix-peer SETTINGS_FILE" << std::endl;
    return 2;
  }
  try {
    FIX::SessionSettings settings(argv[1]);
    Peer peer;
    for (const auto &id : settings.getSessions()) {
      if (settings.get(id).has("Password")) peer.password = settings.get(id).getString("Password");
    }
    FIX::FileStoreFactory store(settings);
    FIX::FileLogFactory log(settings);
    std::unique_ptr<FIX::SocketInitiator> initiator;
    std::string line;
    while (std::getline(std::cin, line)) {
      auto w = words(line);
      if (w.empty()) continue;
      const std::string &command = w[0];
      try {
        if (command == "logon") {
          initiator.reset(new FIX::SocketInitiator(peer, store, settings, log));
          initiator->start();
        } else if (command == "logout") {
          if (initiator) initiator->stop();
          initiator.reset();
        } else if (command == "order" && w.size() >= 7) {
          auto m = message("D");
          set(m, 11, w[1]);
          set(m, 55, "ACME");
          set(m, 54, w[2]);
          set(m, 38, w[3]);
          set(m, 40, w[4]);
          set(m, 44, w[5]);
          set(m, 59, w[6]);
          set(m, 60, now());
          if (w.size() > 7) {
            for (size_t i = 7; i < w.size(); i++) {
              auto colon = w[i].find(':');
              FIX::Group venue(20100, 20101);
              venue.setField(20101, w[i].substr(0, colon));
              venue.setField(20102, colon == std::string::npos ? "I" : w[i].substr(colon + 1));
              m.addGroup(venue);
            }
          }
          FIX::Session::sendToTarget(m, peer.session);
        } else if (command == "cancel" && w.size() == 4) {
          auto m = message("F");
          set(m, 11, w[1]);
          set(m, 41, w[2]);
          set(m, 55, "ACME");
          set(m, 54, w[3]);
          set(m, 60, now());
          FIX::Session::sendToTarget(m, peer.session);
        } else if (command == "replace" && w.size() == 6) {
          auto m = message("G");
          set(m, 11, w[1]);
          set(m, 41, w[2]);
          set(m, 55, "ACME");
          set(m, 54, w[3]);
          set(m, 38, w[4]);
          set(m, 40, "2");
          set(m, 44, w[5]);
          set(m, 60, now());
          FIX::Session::sendToTarget(m, peer.session);
        } else if (command == "status" && w.size() == 3) {
          auto m = message("H");
          set(m, 11, w[1]);
          set(m, 55, "ACME");
          set(m, 54, w[2]);
          FIX::Session::sendToTarget(m, peer.session);
        } else if (command == "send" && w.size() >= 2) {
          auto m = message(w[1]);
          for (size_t i = 2; i < w.size(); i++) {
            auto equals = w[i].find('=');
            m.setField(std::stoi(w[i].substr(0, equals)), w[i].substr(equals + 1));
          }
          FIX::Session::sendToTarget(m, peer.session);
        } else if (command == "seqnums") {
          FIX::Session *session = FIX::Session::lookupSession(peer.session);
          if (!session) throw std::runtime_error("no session");
          say("SEQ " + std::to_string(session->getExpectedSenderNum()) + " " +
              std::to_string(session->getExpectedTargetNum()));
          continue;
        } else if (command == "quit") {
          break;
        } else {
          say("ERROR unknown command: " + line);
          continue;
        }
        say("OK " + command);
      } catch (std::exception &error) {
        say(std::string("ERROR ") + error.what());
      }
    }
    if (initiator) initiator->stop();
  } catch (std::exception &error) {
    std::cerr << "fix-peer: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

namespace gatesim::io {

// Owns objects (connections, sessions), found and erased by their address, but iterated and
// destroyed in insertion order. A map keyed by pointer would order them by heap address:
// drains and shutdowns would then send their packets in an order that changes from run to
// run in one process, and the simulator's traces would not replay byte for byte.
template <class T>
class OwnedInOrder {
 public:
  ~OwnedInOrder() { clear(); }

  T* add(std::unique_ptr<T> object) {
    T* raw = object.get();
    index_.emplace(raw, next_);
    objects_.emplace(next_++, std::move(object));
    return raw;
  }
  // True when `object` was owned here (it is destroyed).
  bool erase(T* object) {
    auto it = index_.find(object);
    if (it == index_.end()) return false;
    const std::uint64_t order = it->second;
    index_.erase(it);
    objects_.erase(order);
    return true;
  }
  // Destroys in insertion order, one at a time, so a destructor may still look here.
  void clear() {
    while (!objects_.empty()) {
      auto first = objects_.begin();
      std::unique_ptr<T> object = std::move(first->second);
      index_.erase(object.get());
      objects_.erase(first);
    }
  }
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto& [order, object] : objects_) fn(*object);
  }
  bool empty() const { return objects_.empty(); }
  std::size_t size() const { return objects_.size(); }

 private:
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::unique_ptr<T>> objects_;
  std::unordered_map<const T*, std::uint64_t> index_;
};

}  // namespace gatesim::io

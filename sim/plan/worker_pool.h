#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace gatesim::plan {

// Runs work(i) for every i in [0, count), each in its own fork()ed child, at most `jobs` at
// once, and hands what the child returned to done(i, output, error) in the parent as children
// finish (error: why a child gave no output — it crashed, or was killed).
//
// Processes, not threads: ns-3's Simulator is a process-wide singleton, so two simulations in
// one process at once would share (and corrupt) one event queue. A fresh child per item also
// means every item starts from the same state whatever `jobs` is, which is what makes results
// independent of -j. The parent must not have run a simulation itself before calling this.
void run_in_children(std::size_t count, int jobs, const std::function<std::string(std::size_t)>& work,
                     const std::function<void(std::size_t, const std::string& output, const std::string& error)>& done);

}  // namespace gatesim::plan

#pragma once

#include <memory>
#include <string>
#include <vector>

namespace gatesim::plan {

// `mpirun -np N gatesim plan ...`: each rank runs one shard of the sweep and rank 0 gathers
// the results. MPI is initialised only when Open MPI's launcher started this process (it sets
// OMPI_COMM_WORLD_SIZE), so plain runs never load or touch MPI state.
class MpiSession {
 public:
  // nullptr when not launched by mpirun; otherwise MPI is initialised until the session ends.
  static std::unique_ptr<MpiSession> start_if_launched();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Every rank passes its text; rank 0 gets all of them in rank order, the others nothing.
  // Collective: every rank must call it, the same number of times.
  std::vector<std::string> gather(const std::string& mine) const;
  // Rank 0's value on every rank. Collective.
  bool broadcast(bool value) const;

 private:
  MpiSession();
  int rank_ = 0, size_ = 1;
};

}  // namespace gatesim::plan

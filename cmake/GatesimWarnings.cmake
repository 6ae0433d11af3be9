# Warnings are errors on our own code only; third-party headers come in as SYSTEM includes
# through their imported targets, so their warnings never break the build.
function(gatesim_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
endfunction()

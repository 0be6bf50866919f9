#pragma once
// The detection idiom the named requirements are written with (codec.hpp,
// policies.hpp, transport.hpp): an alias template Op names what a member
// expression yields, and these say whether Op<Args...> is valid, and of which
// type. No instantiation happens beyond the unevaluated expression.

#include <type_traits>

namespace rangeup {
namespace detail {

template <class Void, template <class...> class Op, class... Args>
struct detector {
  using valid = std::false_type;
  using type = void;
};
template <template <class...> class Op, class... Args>
struct detector<std::void_t<Op<Args...>>, Op, Args...> {
  using valid = std::true_type;
  using type = Op<Args...>;
};

// Op<Args...> is a valid type.
template <template <class...> class Op, class... Args>
inline constexpr bool is_detected_v = detector<void, Op, Args...>::valid::value;

// Op<Args...> is valid and exactly T.
template <class T, template <class...> class Op, class... Args>
inline constexpr bool is_detected_exact_v =
    is_detected_v<Op, Args...> && std::is_same<typename detector<void, Op, Args...>::type, T>::value;

// Op<Args...> is valid and converts to T.
template <class T, template <class...> class Op, class... Args>
inline constexpr bool is_detected_convertible_v =
    is_detected_v<Op, Args...> && std::is_convertible<typename detector<void, Op, Args...>::type, T>::value;

// Op<Args...> is `const M*` with M convertible to T: the address of a static
// const (constexpr) data member of a fitting type. (An instance member's address
// is a pointer to member, a function's a function pointer: neither passes.)
template <class T, class P>
struct is_static_constant_pointer : std::false_type {};
template <class T, class M>
struct is_static_constant_pointer<T, const M*> : std::is_convertible<const M&, T> {};
template <class T, template <class...> class Op, class... Args>
inline constexpr bool is_static_constant_v =
    is_detected_v<Op, Args...> && is_static_constant_pointer<T, typename detector<void, Op, Args...>::type>::value;

}  // namespace detail
}  // namespace rangeup

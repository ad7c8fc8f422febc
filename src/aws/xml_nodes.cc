#include "aws/xml_nodes.h"

namespace sentinel::aws::xml {

std::string_view LocalName(pugi::xml_node node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && LocalName(child) == local_name) {
      return child;
    }
  }
  return {};
}

std::string_view Text(pugi::xml_node node) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::string_view text = node.text().get();
  const std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace sentinel::aws::xml

// Namespace-agnostic reading of AWS XML responses with pugixml.
#ifndef SENTINEL_AWS_XML_NODES_H_
#define SENTINEL_AWS_XML_NODES_H_

#include <pugixml.hpp>
#include <string_view>

namespace sentinel::aws::xml {

// Returns the element's name without any namespace prefix ("a:Code" -> "Code"). AWS
// services declare namespaces differently, so responses are matched by local name.
std::string_view LocalName(pugi::xml_node node);

// Returns the first child element of `parent` named `local_name`, or a null node.
pugi::xml_node Child(pugi::xml_node parent, std::string_view local_name);

// Returns the element's text without surrounding whitespace.
std::string_view Text(pugi::xml_node node);

}  // namespace sentinel::aws::xml

#endif  // SENTINEL_AWS_XML_NODES_H_

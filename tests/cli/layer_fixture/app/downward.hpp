// Fixture: an app header including core (allowed).
#pragma once
#include "core/model.hpp"

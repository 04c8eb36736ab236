// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct::models {

/// QSP-IO NSCLC reference model (Wang, Arulraj, Kimko, Popel 2023, npj Precis Oncol; QSPIO-TNBC
/// commit 72ba442 with V_C = 5 L as at HEAD): cancer, CD8/CD4 Th/Treg priming and trafficking,
/// antigen presentation with kinetic proofreading, T-C1 and T-APC checkpoint synapses
/// (PD-1/PD-L1/PD-L2/CD28/CTLA-4/CD80/CD86), MDSC, macrophages and the CD47/SIRPa synapse,
/// tumour cytokines, and 4-compartment PK for anti-PD-1, anti-PD-L1 and anti-CTLA-4.
/// 141 ODE states. See docs/models/qspio_nsclc.md.
std::unique_ptr<ModelDefinition> make_qspio_nsclc();

/// Names of the RT model's immune modules, in canonical order: licensing, epitope_spreading,
/// priming_checkpoint, lymphodepletion (docs/models/radiotherapy.md), treg_adcc, ctla4_priming
/// (docs/models/anti-ctla4.md), il7_recovery, priming_threshold (docs/models/radiotherapy.md).
const std::vector<std::string>& rt_module_names();

/// The modules of "qspio_nsclc_rt[@N]" and of a scenario without a `modules` key: all eight
/// (il7_recovery joined them with the joint recalibration of issue #16, priming_threshold with the
/// refit of the T2 parameters; the six- and seven-module models are reproduced bit for bit by
/// listing their modules).
const std::vector<std::string>& rt_default_module_names();

/// The model id of the RT model with n_lesions lesions and `modules` switched on (names from
/// rt_module_names(), any order): "qspio_nsclc_rt" or "qspio_nsclc_rt@N" with the default modules,
/// otherwise followed by the modules on in canonical order, e.g. "qspio_nsclc_rt@2{licensing}"
/// ("{}": none). Throws Error(kInput) for an unknown module or one without the module it needs
/// (epitope_spreading needs licensing, priming_checkpoint needs epitope_spreading).
std::string rt_model_id(int n_lesions, const std::vector<std::string>& modules);

/// Parses an RT model id (as rt_model_id writes it); false when `id` is not one.
bool parse_rt_model_id(const std::string& id, int& n_lesions, std::vector<std::string>& modules);

/// The same model with radiotherapy (LQ kill into doomed-cell pools, immunogenic death with DAMPs,
/// lymphocyte kill, PD-L1 upregulation, TREX1 attenuation), n_lesions tumour lesions sharing
/// blood, periphery and lymph node, and the immune modules `modules`. See docs/models/radiotherapy.md.
std::unique_ptr<ModelDefinition> make_qspio_nsclc_rt(int n_lesions, const std::vector<std::string>& modules);

}  // namespace vct::models

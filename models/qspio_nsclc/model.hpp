// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "core/model.hpp"

namespace vct::models {

/// QSP-IO NSCLC reference model (Wang, Arulraj, Kimko, Popel 2023, npj Precis Oncol; QSPIO-TNBC
/// commit 72ba442 with V_C = 5 L as at HEAD): cancer, CD8/CD4 Th/Treg priming and trafficking,
/// antigen presentation with kinetic proofreading, T-C1 and T-APC checkpoint synapses
/// (PD-1/PD-L1/PD-L2/CD28/CTLA-4/CD80/CD86), MDSC, macrophages and the CD47/SIRPa synapse,
/// tumour cytokines, and 4-compartment PK for anti-PD-1, anti-PD-L1 and anti-CTLA-4.
/// 141 ODE states. See docs/models/qspio_nsclc.md.
std::unique_ptr<ModelDefinition> make_qspio_nsclc();

/// The same model with radiotherapy (LQ kill into doomed-cell pools, immunogenic death with DAMPs,
/// lymphocyte kill, PD-L1 upregulation, TREX1 attenuation) and n_lesions tumour lesions sharing
/// blood, periphery and lymph node. Registered as "qspio_nsclc_rt" (one lesion) and
/// "qspio_nsclc_rt@N". See docs/models/radiotherapy.md.
std::unique_ptr<ModelDefinition> make_qspio_nsclc_rt(int n_lesions);

}  // namespace vct::models

/** A few realistic callsigns, so item bodies carry small varied strings (shared by bus and raw senders). */
export const CALLSIGNS = ["BAW123", "DLH4AB", "EZY81QP", "RYR2TZ", "KLM1703", "AFR447", "UAL901", "N172SP"];

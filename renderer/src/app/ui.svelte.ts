/** Window-wide UI state that belongs to no panel: the long-work indicator and the help overlay. */
export class UiState {
  /** Long work in progress (opening, saving, importing); null when idle. */
  busy = $state<string | null>(null);
  helpOpen = $state(false);
}

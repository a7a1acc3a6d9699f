// Tracker's JavaScript entry point, loaded as <script type="module">.
// Everything works without JavaScript; this only enhances GOV.UK components
// (Exit this page shortcut, service navigation menu, error summary focus) and warns
// before the idle sign-out.
import { initAll } from './govuk-frontend.min.js'

initAll()

// Idle sign-out warning: five minutes before the session ends, say so calmly and offer to
// stay signed in. Nothing typed is lost either way: drafts are saved on the server.
const timeout = document.querySelector('meta[name="session-timeout-minutes"]')
const token = document.querySelector('meta[name="csrf-token"]')
if (timeout && token) {
  const minutes = Number(timeout.content)
  const warnAfter = Math.max(minutes - 5, 1) * 60 * 1000
  let warnTimer
  let endTimer
  let banner

  const start = () => {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    warnTimer = setTimeout(warn, warnAfter)
    endTimer = setTimeout(signedOut, minutes * 60 * 1000)
  }

  const signedOut = () => {
    const next = window.location.pathname + window.location.search
    window.location.assign('/sign-in?next=' + encodeURIComponent(next))
  }

  const stay = async () => {
    const response = await fetch('/session/keep-alive', {
      method: 'POST',
      headers: { 'X-CSRFToken': token.content },
      credentials: 'same-origin'
    })
    if (response.ok) {
      banner.remove()
      banner = undefined
      start()
    } else {
      signedOut()
    }
  }

  const warn = () => {
    if (banner) return
    banner = document.createElement('div')
    banner.className = 'govuk-notification-banner app-timeout-banner'
    banner.setAttribute('role', 'alert')
    const content = document.createElement('div')
    content.className = 'govuk-notification-banner__content'
    const text = document.createElement('p')
    text.className = 'govuk-notification-banner__heading'
    text.textContent = 'You will be signed out in 5 minutes because nothing has happened for a while. Anything you saved is safe.'
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'govuk-button govuk-!-margin-bottom-0'
    button.textContent = 'Stay signed in'
    button.addEventListener('click', stay)
    content.append(text, button)
    banner.append(content)
    const main = document.getElementById('main-content')
    main.prepend(banner)
    button.focus()
  }

  start()
}

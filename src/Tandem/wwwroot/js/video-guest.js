// A guest's call page (issue 23): no live circuit (guests have no account), so this starts the call itself.
import { mount } from "./video-room.js";

const root = document.getElementById("guest-video-root");
if (root) mount(root, { guest: true });

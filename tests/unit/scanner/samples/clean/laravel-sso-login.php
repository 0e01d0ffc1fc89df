<?php
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;

class SsoLoginController extends Controller
{
    public function store(Request $request)
    {
        $data = $request->only(['email', 'password']);
        $response = Http::asForm()->post('https://sso.example.org/oauth/token', [
            'grant_type' => 'password',
            'username' => $data['email'],
            'password' => $data['password'],
            'client_id' => config('services.sso.id'),
        ]);
        if (!$response->successful()) {
            return back()->withErrors(['email' => 'These credentials do not match our records.']);
        }
        session(['sso_token' => $response->json('access_token')]);
        return redirect()->intended('/dashboard');
    }
}
